# cython: freethreading_compatible = True
"""Cython bridge to csrc/gemm.h and the reductions in csrc/elementwise.h.

Arguments arrive validated by fastinit.ops (dtype, shape, contiguity); this
layer only takes pointers and releases the GIL."""
from cython cimport floating

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


def gemm(bint trans_a, bint trans_b, const floating[:, ::1] a, const floating[:, ::1] b,
         floating[:, ::1] c, double alpha, double beta, const floating[::1] bias, int act,
         double slope):
    """c = act(alpha * op(a) @ op(b) + beta * c + bias); bias may be None."""
    cdef Py_ssize_t m = c.shape[0], n = c.shape[1]
    cdef Py_ssize_t k = a.shape[0] if trans_a else a.shape[1]
    cdef fi_epilogue ep
    ep.bias = NULL if bias is None else &bias[0]
    ep.act = act
    ep.slope = slope
    # &x[0, 0] is invalid for empty views; the kernels never read them then.
    cdef const floating *pa = &a[0, 0] if a.shape[0] * a.shape[1] else NULL
    cdef const floating *pb = &b[0, 0] if b.shape[0] * b.shape[1] else NULL
    cdef floating *pc = &c[0, 0] if m * n else NULL
    if m == 0 or n == 0:
        return
    with nogil:
        if floating is float:
            fi_gemm_ex_f32(trans_a, trans_b, m, n, k, <float>alpha, pa, a.shape[1], pb,
                           b.shape[1], <float>beta, pc, n, &ep)
        else:
            fi_gemm_ex_f64(trans_a, trans_b, m, n, k, alpha, pa, a.shape[1], pb, b.shape[1],
                           beta, pc, n, &ep)


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
