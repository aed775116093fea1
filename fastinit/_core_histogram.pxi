# Included by _core.pyx: Cython bridge to csrc/histogram/histogram.h (inputs validated by
# the caller: fastinit.experiments.histograms).  Large arrays go through in
# chunks with a signal check in between; the kernel accumulates, so chunking
# never changes the result.


# A multiple of FI_HIST_SPAN, as the moments need (histogram.h).
cdef Py_ssize_t HISTOGRAM_CHUNK = 1 << 24

HISTOGRAM_EXTRA = FI_HIST_EXTRA


def histogram(const floating[::1] x, const double[::1] edges, int64_t[::1] counts,
              bint skip_zeros, double low_cut, double high_cut):
    """Add x to ``counts`` (len(edges) - 1 + HISTOGRAM_EXTRA slots, see
    csrc/histogram/histogram.h) and return (zeros, low_tail, high_tail, sum, sumsq).
    Bins as np.histogram's for these edges (pass np.histogram_bin_edges of
    the data's dtype to get its exact counts)."""
    cdef fi_hist_plan plan
    cdef fi_hist_summary s
    cdef int k
    cdef int64_t bins = edges.shape[0] - 1
    if bins < 1 or counts.shape[0] != bins + FI_HIST_EXTRA:
        raise ValueError(f"histogram: {edges.shape[0]} edges need {bins + FI_HIST_EXTRA} "
                         f"count slots, got {counts.shape[0]}")
    if fi_hist_plan_init(&plan, &edges[0], bins, skip_zeros, low_cut, high_cut) != 0:
        raise ValueError("histogram: edges must be finite and strictly increasing")
    s.zeros = s.low_tail = s.high_tail = 0
    for k in range(4):
        s.sum[k] = 0.0
        s.sumsq[k] = 0.0
    cdef Py_ssize_t n = x.shape[0], start = 0, m
    while start < n:  # n == 0: nothing to add
        m = min(HISTOGRAM_CHUNK, n - start)
        with nogil:
            if floating is float:
                fi_histogram_f32(&plan, &x[start], m, &counts[0], &s)
            else:
                fi_histogram_f64(&plan, &x[start], m, &counts[0], &s)
        start += m
        if start < n:
            PyErr_CheckSignals()
    return (s.zeros, s.low_tail, s.high_tail, (s.sum[0] + s.sum[1]) + (s.sum[2] + s.sum[3]),
            (s.sumsq[0] + s.sumsq[1]) + (s.sumsq[2] + s.sumsq[3]))
