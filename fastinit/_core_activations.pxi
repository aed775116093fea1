# Included by _core.pyx: Cython bridge to csrc/elementwise/elementwise.h and csrc/nn/loss.h
# (validated inputs).
#
# Large calls are cut into chunks, each run without the GIL, with a signal
# check in between so Ctrl-C interrupts them; the chunking never changes a
# result (elementwise ops are per element, softmax per row, and the loss is
# accumulated in the kernel's own fixed order).


# Elements per uninterruptible call: ~5-50 ms of work.
cdef enum:
    ELEMENTWISE_CHUNK = 1 << 24


cdef inline Py_ssize_t _row_chunk(Py_ssize_t n, Py_ssize_t multiple) noexcept nogil:
    """Rows per chunk: about ELEMENTWISE_CHUNK elements, a multiple of `multiple`."""
    cdef Py_ssize_t rows = ELEMENTWISE_CHUNK // n if n > 0 else ELEMENTWISE_CHUNK
    rows = (rows // multiple) * multiple
    return rows if rows > 0 else multiple


cdef inline int _pair_type(cnp.ndarray a, cnp.ndarray b, bint b_writable) except -1:
    """The common float type of two C-contiguous arrays of one size (the ops
    layer guarantees it; checked again here because a wrong pointer would
    crash the interpreter).  Raw array pointers instead of memoryviews: the
    small activations of a training step are dominated by call overhead."""
    cdef int t = cnp.PyArray_TYPE(a)
    if (t != cnp.NPY_FLOAT32 and t != cnp.NPY_FLOAT64) or cnp.PyArray_TYPE(b) != t:
        raise TypeError("float32 or float64 arrays of one dtype expected")
    if not (cnp.PyArray_IS_C_CONTIGUOUS(a) and cnp.PyArray_IS_C_CONTIGUOUS(b)) \
            or cnp.PyArray_SIZE(a) != cnp.PyArray_SIZE(b) \
            or (b_writable and not cnp.PyArray_ISWRITEABLE(b)):
        raise ValueError("C-contiguous arrays of equal size expected, the output writable")
    return t


def act_forward(int act, double slope, cnp.ndarray x not None, cnp.ndarray y not None):
    """y = act(x) elementwise over arrays of any shape and equal size."""
    cdef int t = _pair_type(x, y, True)
    cdef Py_ssize_t n = cnp.PyArray_SIZE(x), i, k
    cdef char *px = <char *>cnp.PyArray_DATA(x)
    cdef char *py = <char *>cnp.PyArray_DATA(y)
    for i in range(0, n, ELEMENTWISE_CHUNK):
        k = min(ELEMENTWISE_CHUNK, n - i)
        with nogil:
            if t == cnp.NPY_FLOAT32:
                fi_act_forward_f32(act, <float>slope, k, <float *>px + i, <float *>py + i)
            else:
                fi_act_forward_f64(act, slope, k, <double *>px + i, <double *>py + i)
        if i + k < n:
            PyErr_CheckSignals()


def act_backward(int act, double slope, cnp.ndarray dout not None, cnp.ndarray saved not None,
                 cnp.ndarray dx not None):
    """dx = act'(saved) * dout elementwise over arrays of equal size."""
    cdef int t = _pair_type(dout, dx, True)
    _pair_type(saved, dx, True)
    cdef Py_ssize_t n = cnp.PyArray_SIZE(dout), i, k
    cdef char *pd = <char *>cnp.PyArray_DATA(dout)
    cdef char *ps = <char *>cnp.PyArray_DATA(saved)
    cdef char *px = <char *>cnp.PyArray_DATA(dx)
    for i in range(0, n, ELEMENTWISE_CHUNK):
        k = min(ELEMENTWISE_CHUNK, n - i)
        with nogil:
            if t == cnp.NPY_FLOAT32:
                fi_act_backward_f32(act, <float>slope, k, <float *>pd + i, <float *>ps + i,
                                    <float *>px + i)
            else:
                fi_act_backward_f64(act, slope, k, <double *>pd + i, <double *>ps + i,
                                    <double *>px + i)
        if i + k < n:
            PyErr_CheckSignals()


def bias_act(int act, double slope, floating[:, ::1] y, const floating[::1] bias):
    """y = act(y + bias) in place, row by row (the GEMM epilogue kernel);
    bias may be None."""
    cdef Py_ssize_t m = y.shape[0], n = y.shape[1], i, k
    if m == 0 or n == 0:
        return
    cdef const floating *pb = NULL if bias is None else &bias[0]
    cdef Py_ssize_t step = _row_chunk(n, 1)
    for i in range(0, m, step):
        k = min(step, m - i)
        with nogil:
            if floating is float:
                fi_bias_act_f32(act, <float>slope, k, n, pb, &y[i, 0], n)
            else:
                fi_bias_act_f64(act, slope, k, n, pb, &y[i, 0], n)
        if i + k < m:
            PyErr_CheckSignals()


def softmax(const floating[:, ::1] x, floating[:, ::1] y):
    cdef Py_ssize_t m = x.shape[0], n = x.shape[1], i, k
    if m == 0 or n == 0:
        return
    cdef Py_ssize_t step = _row_chunk(n, 1)
    for i in range(0, m, step):
        k = min(step, m - i)
        with nogil:
            if floating is float:
                fi_softmax_f32(k, n, &x[i, 0], &y[i, 0])
            else:
                fi_softmax_f64(k, n, &x[i, 0], &y[i, 0])
        if i + k < m:
            PyErr_CheckSignals()


def softmax_xent(const floating[:, ::1] logits, const int64_t[::1] labels,
                 const floating[:, ::1] onehot, floating[:, ::1] probs):
    """Exactly one of labels / onehot is None.  Returns the mean loss
    (NaN for no rows, 0 for rows of no classes)."""
    cdef Py_ssize_t m = logits.shape[0], n = logits.shape[1], i, k
    cdef double acc = 0.0
    if m == 0 or n == 0:
        return float("nan") if m == 0 else 0.0
    cdef Py_ssize_t step = _row_chunk(n, FI_XENT_CHUNK_ROWS)
    cdef const int64_t *pl
    cdef const floating *pt
    for i in range(0, m, step):
        k = min(step, m - i)
        pl = NULL if labels is None else &labels[i]
        pt = NULL if onehot is None else &onehot[i, 0]
        with nogil:
            if floating is float:
                acc = fi_softmax_xent_acc_f32(k, n, &logits[i, 0], pl, pt, &probs[i, 0], acc)
            else:
                acc = fi_softmax_xent_acc_f64(k, n, &logits[i, 0], pl, pt, &probs[i, 0], acc)
        if i + k < m:
            PyErr_CheckSignals()
    return acc / m


def softmax_xent_backward(const floating[:, ::1] probs, const int64_t[::1] labels,
                          const floating[:, ::1] onehot, double scale, floating[:, ::1] dx):
    cdef Py_ssize_t m = probs.shape[0], n = probs.shape[1], i, k
    if m == 0 or n == 0:
        return
    cdef const int64_t *pl
    cdef const floating *pt
    cdef Py_ssize_t step = _row_chunk(n, 1)
    for i in range(0, m, step):
        k = min(step, m - i)
        pl = NULL if labels is None else &labels[i]
        pt = NULL if onehot is None else &onehot[i, 0]
        with nogil:
            if floating is float:
                fi_softmax_xent_backward_f32(k, n, &probs[i, 0], pl, pt, <float>scale,
                                             &dx[i, 0])
            else:
                fi_softmax_xent_backward_f64(k, n, &probs[i, 0], pl, pt, scale, &dx[i, 0])
        if i + k < m:
            PyErr_CheckSignals()
