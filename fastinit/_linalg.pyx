# cython: freethreading_compatible = True
"""Cython bridge to csrc/gemm.h and the reductions in csrc/elementwise.h.

Arguments arrive validated by fastinit.ops (dtype, shape, C-contiguity);
this layer only takes pointers and releases the GIL.  It takes plain
ndarrays rather than typed memoryviews: acquiring four buffers costs more
than a 32 x 32 product, and small products are the training step's bulk."""
from cpython.exc cimport PyErr_CheckSignals
from cython cimport floating
from libc.math cimport sqrt

cimport numpy as cnp

cnp.import_array()

cdef extern from "gemm.h" nogil:
    ctypedef struct fi_epilogue:
        const void *bias
        int act
        double slope
    void fi_gemm_ex_f32(int ta, int tb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k, float alpha,
                        const float *a, Py_ssize_t lda, const float *b, Py_ssize_t ldb,
                        float beta, float *c, Py_ssize_t ldc, const fi_epilogue *ep)
    void fi_gemm_ex_f64(int ta, int tb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k, double alpha,
                        const double *a, Py_ssize_t lda, const double *b, Py_ssize_t ldb,
                        double beta, double *c, Py_ssize_t ldc, const fi_epilogue *ep)

cdef extern from "elementwise.h" nogil:
    void fi_sum_rows_f32(Py_ssize_t m, Py_ssize_t n, const float *x, Py_ssize_t ldx, float *out)
    void fi_sum_rows_f64(Py_ssize_t m, Py_ssize_t n, const double *x, Py_ssize_t ldx, double *out)

# Products above this many multiply-adds (~0.1 s at 2 x 100 GFLOP/s) run as
# blocks of C, with a signal check between blocks so Ctrl-C stays prompt.
# A block is at least 1024 x 1024 so that repacking costs little.  Blocks
# change no value: every element of C is computed the same way in any tile.
chunk_work = 1 << 34
chunk_min_side = 1024


cdef void _gemm_block(bint f32, bint ta, bint tb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                      double alpha, char *a, Py_ssize_t lda, char *b, Py_ssize_t ldb,
                      double beta, char *c, Py_ssize_t ldc, const fi_epilogue *ep) noexcept nogil:
    if f32:
        fi_gemm_ex_f32(ta, tb, m, n, k, <float>alpha, <const float *>a, lda, <const float *>b,
                       ldb, <float>beta, <float *>c, ldc, ep)
    else:
        fi_gemm_ex_f64(ta, tb, m, n, k, alpha, <const double *>a, lda, <const double *>b, ldb,
                       beta, <double *>c, ldc, ep)


def gemm(bint trans_a, bint trans_b, cnp.ndarray a, cnp.ndarray b, cnp.ndarray c,
         double alpha, double beta, object bias, int act, double slope):
    """c = act(alpha * op(a) @ op(b) + beta * c + bias); bias may be None.
    a, b, c (and bias) are C-contiguous, of one float dtype, shapes checked."""
    cdef Py_ssize_t m = cnp.PyArray_DIM(c, 0), n = cnp.PyArray_DIM(c, 1)
    cdef Py_ssize_t lda = cnp.PyArray_DIM(a, 1), ldb = cnp.PyArray_DIM(b, 1)
    cdef Py_ssize_t k = cnp.PyArray_DIM(a, 0) if trans_a else lda
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
