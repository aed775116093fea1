# cython: freethreading_compatible = True
"""Cython bridge to csrc/distributions.h (validated inputs only).

``state`` is the generator tuple (key0, key1, stream, start) built by
fastinit.random.Generator.  Large fills are split into pieces of CHUNK
elements with a signal check between them (Ctrl-C stays responsive); each
element is a pure function of its index, so the pieces give the same bits
as one call."""

from fastinit._runtime cimport fi_runtime_attach, shared_runtime

fi_runtime_attach(shared_runtime())  # share set_num_threads / set_simd
from cpython.exc cimport PyErr_CheckSignals
from cython cimport floating
from libc.stdint cimport int64_t, uint32_t, uint64_t

cdef extern from "random/distributions.h" nogil:
    ctypedef struct fi_rng:
        uint32_t key[2]
        uint64_t stream
        uint64_t start
    void fi_philox_words(const fi_rng *g, uint64_t block, Py_ssize_t nblocks, uint32_t *out)
    void fi_uniform_f32(const fi_rng *g, uint64_t offset, Py_ssize_t n, float low, float high,
                        float *out)
    void fi_uniform_f64(const fi_rng *g, uint64_t offset, Py_ssize_t n, double low, double high,
                        double *out)
    void fi_normal_f32(const fi_rng *g, uint64_t offset, Py_ssize_t n, float mean, float std,
                       float *out)
    void fi_normal_f64(const fi_rng *g, uint64_t offset, Py_ssize_t n, double mean, double std,
                       double *out)
    void fi_truncated_normal_f32(const fi_rng *g, uint64_t offset, Py_ssize_t n, double mean,
                                 double std, double a, double b, float *out)
    void fi_truncated_normal_f64(const fi_rng *g, uint64_t offset, Py_ssize_t n, double mean,
                                 double std, double a, double b, double *out)
    void fi_integers_i64(const fi_rng *g, uint64_t offset, Py_ssize_t n, int64_t low,
                         uint64_t range, int64_t *out)
    double fi_ndtri(double p)

# 8M elements: ~15 ms of normal draws on one core (~70 ms of truncated
# float64 ones), short enough for Ctrl-C; few pieces, because each is one
# OpenMP region whose closing barrier waits for every thread.
cdef Py_ssize_t CHUNK = 1 << 23

cdef int UNIFORM = 0, NORMAL = 1, TRUNCATED = 2


cdef inline fi_rng make_rng(tuple state):
    cdef fi_rng g
    g.key[0] = <uint32_t>state[0]
    g.key[1] = <uint32_t>state[1]
    g.stream = <uint64_t>state[2]
    g.start = <uint64_t>state[3]
    return g


cdef void fill_piece(int kind, const fi_rng *g, uint64_t offset, Py_ssize_t n, floating *out,
                     double p0, double p1, double p2, double p3) noexcept nogil:
    if floating is float:
        if kind == UNIFORM:
            fi_uniform_f32(g, offset, n, <float>p0, <float>p1, out)
        elif kind == NORMAL:
            fi_normal_f32(g, offset, n, <float>p0, <float>p1, out)
        else:
            fi_truncated_normal_f32(g, offset, n, p0, p1, p2, p3, out)
    else:
        if kind == UNIFORM:
            fi_uniform_f64(g, offset, n, p0, p1, out)
        elif kind == NORMAL:
            fi_normal_f64(g, offset, n, p0, p1, out)
        else:
            fi_truncated_normal_f64(g, offset, n, p0, p1, p2, p3, out)


def fill(int kind, tuple state, uint64_t offset, floating[::1] out, double p0, double p1,
         double p2=0.0, double p3=0.0):
    """Fill ``out`` with elements [offset, offset + len(out)) of distribution
    ``kind`` (0 uniform(low=p0, high=p1), 1 normal(mean=p0, std=p1),
    2 truncated normal(mean=p0, std=p1, a=p2, b=p3))."""
    cdef fi_rng g = make_rng(state)
    cdef Py_ssize_t n = out.shape[0], i = 0, m
    while i < n:
        m = min(CHUNK, n - i)
        with nogil:
            fill_piece(kind, &g, offset + <uint64_t>i, m, &out[i], p0, p1, p2, p3)
        i += m
        if i < n:
            PyErr_CheckSignals()


def integers(tuple state, uint64_t offset, int64_t[::1] out, int64_t low, uint64_t range_):
    cdef fi_rng g = make_rng(state)
    cdef Py_ssize_t n = out.shape[0], i = 0, m
    while i < n:
        m = min(CHUNK, n - i)
        with nogil:
            fi_integers_i64(&g, offset + <uint64_t>i, m, low, range_, &out[i])
        i += m
        if i < n:
            PyErr_CheckSignals()


def philox_words(tuple state, uint64_t block, uint32_t[::1] out):
    """Raw words of blocks [block, block + len(out) // 4) (absolute indices)."""
    cdef fi_rng g = make_rng(state)
    cdef Py_ssize_t nblocks = out.shape[0] // 4
    if nblocks == 0:
        return
    with nogil:
        fi_philox_words(&g, block, nblocks, &out[0])


def ndtri(double p):
    return fi_ndtri(p)
