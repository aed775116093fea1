# cython: freethreading_compatible = True
"""Cython bridge to csrc/histogram.h (inputs validated by the caller:
fastinit.experiments.histograms).  Large arrays go through in chunks with a
signal check in between; the kernel accumulates, so chunking never changes
the result."""

from fastinit._runtime cimport fi_runtime_attach, shared_runtime

fi_runtime_attach(shared_runtime())  # share set_num_threads / set_simd

from cpython.exc cimport PyErr_CheckSignals
from cython cimport floating
from libc.stdint cimport int64_t

cdef extern from "histogram.h" nogil:
    const int FI_HIST_EXTRA
    ctypedef struct fi_hist_summary:
        int64_t zeros, low_tail, high_tail
        double sum[4]
        double sumsq[4]
    void fi_histogram_f32(const float *x, size_t n, double lo, double hi, int64_t bins,
                          int skip_zeros, double low_cut, double high_cut, int64_t *counts,
                          fi_hist_summary *s)
    void fi_histogram_f64(const double *x, size_t n, double lo, double hi, int64_t bins,
                          int skip_zeros, double low_cut, double high_cut, int64_t *counts,
                          fi_hist_summary *s)

cdef Py_ssize_t CHUNK = 1 << 24  # a multiple of 4, as the kernel's partial sums need

EXTRA = FI_HIST_EXTRA


def histogram(const floating[::1] x, double lo, double hi, int64_t[::1] counts,
              bint skip_zeros, double low_cut, double high_cut):
    """Add x to ``counts`` (bins + EXTRA slots, see csrc/histogram.h; zeroed
    by the caller) and return (zeros, low_tail, high_tail, sum, sumsq)."""
    cdef fi_hist_summary s
    cdef int k
    s.zeros = s.low_tail = s.high_tail = 0
    for k in range(4):
        s.sum[k] = 0.0
        s.sumsq[k] = 0.0
    cdef Py_ssize_t n = x.shape[0], start = 0, m
    cdef int64_t bins = counts.shape[0] - FI_HIST_EXTRA
    if bins < 1:
        raise ValueError("counts needs at least one bin plus EXTRA slots")
    while start < n:  # n == 0: nothing to add
        m = min(CHUNK, n - start)
        with nogil:
            if floating is float:
                fi_histogram_f32(&x[start], m, lo, hi, bins, skip_zeros, low_cut, high_cut,
                                 &counts[0], &s)
            else:
                fi_histogram_f64(&x[start], m, lo, hi, bins, skip_zeros, low_cut, high_cut,
                                 &counts[0], &s)
        start += m
        if start < n:
            PyErr_CheckSignals()
    return (s.zeros, s.low_tail, s.high_tail, (s.sum[0] + s.sum[1]) + (s.sum[2] + s.sum[3]),
            (s.sumsq[0] + s.sumsq[1]) + (s.sumsq[2] + s.sumsq[3]))
