# Included by _core.pyx: Cython bridge to csrc/gemm/gemm.h and the reductions in
# csrc/elementwise/elementwise.h.
#
# Arguments arrive validated by fastinit.ops (dtype, shape, C-contiguity); this
# layer only takes pointers and releases the GIL.  It takes plain ndarrays
# rather than typed memoryviews: acquiring four buffers costs more than a 32 x
# 32 product, and small products are the training step's bulk.


# Ctrl-C during one long product.  Products above interrupt_work
# multiply-adds (~30 ms on one slow core, so the two sigaction calls of
# arming cost nothing measurable) run with SIGINT armed (csrc/core/runtime.c) when
# called from the main thread: the driver polls between bands of about 2^28
# multiply-adds (0.1 s on one core without SIMD) and stops early.
#
# Where arming is impossible (other threads, Windows, SIGINT ignored or
# default) products above chunk_work run as blocks of C, with a signal check
# between blocks; blocks of at least 1024 x 1024 keep repacking cheap.  In
# other threads PyErr_CheckSignals does nothing (Python runs signal handlers
# in the main thread only), so there the blocks only cost a little.  Neither
# bands nor blocks change a value: every element of C is computed the same
# way in any tile.
interrupt_work = 1 << 26
chunk_work = 1 << 34
chunk_min_side = 1024

import threading


cdef void _gemm_block(bint f32, bint ta, bint tb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                      double alpha, char *a, Py_ssize_t lda, char *b, Py_ssize_t ldb,
                      double beta, char *c, Py_ssize_t ldc, const fi_epilogue *ep) noexcept nogil:
    if f32:
        fi_gemm_ex_f32(ta, tb, m, n, k, <float>alpha, <const float *>a, lda, <const float *>b,
                       ldb, <float>beta, <float *>c, ldc, ep)
    else:
        fi_gemm_ex_f64(ta, tb, m, n, k, alpha, <const double *>a, lda, <const double *>b, ldb,
                       beta, <double *>c, ldc, ep)


cdef void _gemm_armed(bint f32, bint ta, bint tb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                      double alpha, char *a, Py_ssize_t lda, char *b, Py_ssize_t ldb,
                      double beta, char *c, Py_ssize_t ldc, const fi_epilogue *ep) except *:
    """One product with SIGINT armed (fi_interrupt_arm returned 1)."""
    cdef fi_gemm_resume r
    r.done = 0
    r.band = 0
    r.isa = 0
    r.stopped = 0
    cdef bint armed = True
    while True:
        with nogil:
            if f32:
                fi_gemm_resumable_f32(ta, tb, m, n, k, <float>alpha, <const float *>a, lda,
                                      <const float *>b, ldb, <float>beta, <float *>c, ldc, ep,
                                      &r)
            else:
                fi_gemm_resumable_f64(ta, tb, m, n, k, alpha, <const double *>a, lda,
                                      <const double *>b, ldb, beta, <double *>c, ldc, ep, &r)
        # Disarming restores the old handler and re-raises a SIGINT that came
        # meanwhile, so it reaches Python's handler (or whatever owned SIGINT)
        # exactly as if fastinit had not been there.  Raising KeyboardInterrupt
        # ourselves would bypass a custom signal.signal() handler; instead the
        # handler runs right here: the default one raises KeyboardInterrupt
        # and C stays partly written (as with an interrupted NumPy ufunc); a
        # handler that returns lets the product finish below, bits unchanged.
        if armed and fi_interrupt_disarm():
            PyErr_CheckSignals()
        if r.stopped == 0:
            return
        if r.stopped < 0:
            raise MemoryError("no memory to finish an interrupted matrix product")
        armed = fi_interrupt_arm()


cdef void _gemm_arrays(bint trans_a, bint trans_b, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                      cnp.ndarray a, Py_ssize_t lda, cnp.ndarray b, Py_ssize_t ldb,
                      cnp.ndarray c, double alpha, double beta, object bias, int act,
                      double slope) except *:
    if m == 0 or n == 0:
        return
    cdef bint f32 = cnp.PyArray_TYPE(c) == cnp.NPY_FLOAT32
    cdef Py_ssize_t isz = 4 if f32 else 8
    cdef fi_epilogue ep
    ep.bias = NULL if bias is None else cnp.PyArray_DATA(<cnp.ndarray>bias)
    ep.act = act
    ep.slope = slope
    cdef char *pa = <char *>cnp.PyArray_DATA(a)
    cdef char *pb = <char *>cnp.PyArray_DATA(b)
    cdef char *pc = <char *>cnp.PyArray_DATA(c)
    cdef double work = <double>m * n * k
    if work <= interrupt_work:
        with nogil:
            _gemm_block(f32, trans_a, trans_b, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, n,
                        &ep)
        return
    if threading.get_ident() == threading.main_thread().ident and fi_interrupt_arm():
        _gemm_armed(f32, trans_a, trans_b, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, n, &ep)
        return
    if work <= chunk_work:
        with nogil:
            _gemm_block(f32, trans_a, trans_b, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, n,
                        &ep)
        return
    cdef Py_ssize_t side = max(<Py_ssize_t>chunk_min_side,
                               <Py_ssize_t>sqrt(<double>chunk_work / max(k, 1)))
    cdef Py_ssize_t i0, j0, mb, nb
    cdef fi_epilogue epj
    for i0 in range(0, m, side):
        mb = min(side, m - i0)
        for j0 in range(0, n, side):
            nb = min(side, n - j0)
            epj = ep
            if ep.bias != NULL:
                epj.bias = <char *>ep.bias + j0 * isz
            with nogil:
                _gemm_block(f32, trans_a, trans_b, mb, nb, k, alpha,
                            pa + (i0 if trans_a else i0 * lda) * isz, lda,
                            pb + (j0 * ldb if trans_b else j0) * isz, ldb,
                            beta, pc + (i0 * n + j0) * isz, n, &epj)
            PyErr_CheckSignals()


def gemm_row_grain(bint f64):
    """The row multiple at which the active kernel set's products may be cut
    (csrc/gemm/gemm.h): 1 where it has short-tile kernels, else its tile height."""
    return fi_gemm_row_grain_f64() if f64 else fi_gemm_row_grain_f32()


def gemm(bint trans_a, bint trans_b, cnp.ndarray a, cnp.ndarray b, cnp.ndarray c,
         double alpha, double beta, object bias, int act, double slope):
    """c = act(alpha * op(a) @ op(b) + beta * c + bias); bias may be None.
    a, b, c (and bias) are C-contiguous, of one float dtype, shapes checked."""
    cdef Py_ssize_t lda = cnp.PyArray_DIM(a, 1)
    _gemm_arrays(trans_a, trans_b, cnp.PyArray_DIM(c, 0), cnp.PyArray_DIM(c, 1),
                 cnp.PyArray_DIM(a, 0) if trans_a else lda, a, lda, b,
                 cnp.PyArray_DIM(b, 1), c, alpha, beta, bias, act, slope)


cdef inline bint _plain_matrix(object x, int typenum):
    """x is a 2-D aligned ndarray of dtype typenum, C- or F-contiguous."""
    if type(x) is not cnp.ndarray:
        return False
    cdef cnp.ndarray arr = <cnp.ndarray>x
    return (cnp.PyArray_NDIM(arr) == 2 and cnp.PyArray_TYPE(arr) == typenum and
            cnp.PyArray_FLAGS(arr) & cnp.NPY_ARRAY_ALIGNED and
            cnp.PyArray_FLAGS(arr) & (cnp.NPY_ARRAY_C_CONTIGUOUS | cnp.NPY_ARRAY_F_CONTIGUOUS))


cdef inline bint _overlaps(cnp.ndarray x, cnp.ndarray y):
    cdef char *x0 = <char *>cnp.PyArray_DATA(x)
    cdef char *y0 = <char *>cnp.PyArray_DATA(y)
    return x0 < y0 + cnp.PyArray_NBYTES(y) and y0 < x0 + cnp.PyArray_NBYTES(x)


cdef object _gemm_fast(object a, object b, object out, bint trans_a, bint trans_b,
                       double alpha, double beta, object bias, int act, double slope):
    """The common case of ops.matmul / ops.affine without the Python-level
    checks (a few microseconds, more than a small product): plain float
    matrices of one dtype, C- or F-ordered (an F-ordered matrix is its
    C-ordered transpose), shapes that fit, an out= that is C-contiguous,
    writable and disjoint from the inputs.  Returns None for anything else;
    the caller then takes the validated path, which converts or raises."""
    if type(a) is not cnp.ndarray:
        return None
    cdef int typenum = cnp.PyArray_TYPE(<cnp.ndarray>a)
    if typenum != cnp.NPY_FLOAT32 and typenum != cnp.NPY_FLOAT64:
        return None
    if not _plain_matrix(a, typenum) or not _plain_matrix(b, typenum):
        return None
    cdef cnp.ndarray A = <cnp.ndarray>a, B = <cnp.ndarray>b, C
    # Shapes as stored C-ordered: an F-ordered operand flips its flag.
    cdef Py_ssize_t ar = cnp.PyArray_DIM(A, 0), ac = cnp.PyArray_DIM(A, 1)
    cdef Py_ssize_t br = cnp.PyArray_DIM(B, 0), bc = cnp.PyArray_DIM(B, 1)
    if not cnp.PyArray_FLAGS(A) & cnp.NPY_ARRAY_C_CONTIGUOUS:
        ar, ac, trans_a = ac, ar, not trans_a
    if not cnp.PyArray_FLAGS(B) & cnp.NPY_ARRAY_C_CONTIGUOUS:
        br, bc, trans_b = bc, br, not trans_b
    cdef Py_ssize_t m = ac if trans_a else ar, k = ar if trans_a else ac
    cdef Py_ssize_t n = br if trans_b else bc
    if (bc if trans_b else br) != k:
        return None
    if bias is not None:
        if (type(bias) is not cnp.ndarray or cnp.PyArray_NDIM(<cnp.ndarray>bias) != 1 or
                cnp.PyArray_TYPE(<cnp.ndarray>bias) != typenum or
                cnp.PyArray_DIM(<cnp.ndarray>bias, 0) != n or
                not cnp.PyArray_ISCARRAY_RO(<cnp.ndarray>bias)):
            return None
    cdef cnp.npy_intp dims[2]
    if out is None:
        if beta != 0:
            return None
        dims[0] = m
        dims[1] = n
        C = cnp.PyArray_EMPTY(2, dims, typenum, 0)
    else:
        if type(out) is not cnp.ndarray:
            return None
        C = <cnp.ndarray>out
        if (cnp.PyArray_NDIM(C) != 2 or cnp.PyArray_TYPE(C) != typenum or
                cnp.PyArray_DIM(C, 0) != m or cnp.PyArray_DIM(C, 1) != n or
                not cnp.PyArray_ISCARRAY(C) or _overlaps(C, A) or _overlaps(C, B)):
            return None
    _gemm_arrays(trans_a, trans_b, m, n, k, A, ac, B, bc, C, alpha, beta, bias, act, slope)
    return C


def matmul_fast(a, b, out, bint trans_a, bint trans_b, alpha, beta):
    """ops.matmul's fast path; None means "take the validated path"."""
    if type(alpha) is not float or type(beta) is not float:
        return None
    return _gemm_fast(a, b, out, trans_a, trans_b, alpha, beta, None, 0, 0.0)


def affine_fast(x, W, b, int act, out, slope):
    """ops.affine's fast path; None means "take the validated path"."""
    if type(slope) is not float:
        return None
    return _gemm_fast(x, W, out, False, False, 1.0, 0.0, b, act, slope)


def sum_rows(const floating[:, ::1] x, floating[::1] out):
    cdef Py_ssize_t m = x.shape[0], n = x.shape[1]
    if n == 0:
        return
    cdef const floating *px = &x[0, 0] if m else NULL
    with nogil:
        if floating is float:
            fi_sum_rows_f32(m, n, px, n, &out[0])
        else:
            fi_sum_rows_f64(m, n, px, n, &out[0])
