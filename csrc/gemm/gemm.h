/* gemm.h: general matrix multiply on row-major matrices.
 *
 *   C = act(alpha * op(A) @ op(B) + beta * C + bias)
 *
 * op(A) is m x k: A is stored (m, k) with lda >= k, or (k, m) with lda >= m
 * when trans_a.  op(B) is k x n likewise.  C is (m, n) with ldc >= n.
 * beta == 0 makes C write-only (NaN/Inf already in C are ignored, as BLAS).
 * The plain fi_gemm_* have no epilogue (bias NULL, identity activation).
 * Threads follow fi_get_num_threads(); small products stay on one thread,
 * and so does a call made from inside a parallel region.
 * C must not overlap A or B. */
#ifndef FASTINIT_GEMM_H
#define FASTINIT_GEMM_H

#include "core/fastinit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Applied while each tile of C is still in cache (fused affine layers).
 * bias has n entries (or NULL); act is an fi_act (elementwise.h). */
typedef struct {
    const void *bias; /* float* for f32, double* for f64 */
    int act;
    double slope; /* leaky_relu slope */
} fi_epilogue;

void fi_gemm_f32(int trans_a, int trans_b, fi_index m, fi_index n, fi_index k, float alpha,
                 const float *a, fi_index lda, const float *b, fi_index ldb, float beta,
                 float *c, fi_index ldc);
void fi_gemm_f64(int trans_a, int trans_b, fi_index m, fi_index n, fi_index k, double alpha,
                 const double *a, fi_index lda, const double *b, fi_index ldb, double beta,
                 double *c, fi_index ldc);

void fi_gemm_ex_f32(int trans_a, int trans_b, fi_index m, fi_index n, fi_index k, float alpha,
                    const float *a, fi_index lda, const float *b, fi_index ldb, float beta,
                    float *c, fi_index ldc, const fi_epilogue *ep);
void fi_gemm_ex_f64(int trans_a, int trans_b, fi_index m, fi_index n, fi_index k, double alpha,
                    const double *a, fi_index lda, const double *b, fi_index ldb, double beta,
                    double *c, fi_index ldc, const fi_epilogue *ep);

/* Interruptible products (the Python bridge, between fi_interrupt_arm and
 * fi_interrupt_disarm).  fi_gemm_resumable_* computes what fi_gemm_ex_*
 * computes, but polls fi_interrupt_pending() after each band of rows of
 * each block of C (about 2^28 multiply-adds, at least mc rows per thread)
 * and, when it is set, returns early with r->stopped = 1 and C partly
 * updated.  Called again with the same arguments and the same *r, it
 * finishes the product with the same bits as one uninterrupted call, so an
 * interrupt that ends in no exception loses nothing.  Zero *r before the
 * first call. */
typedef struct {
    fi_index done; /* bands finished (driver order) */
    fi_index band; /* rows per band, fixed by the first call */
    int isa;       /* kernel set, fixed by the first call */
    int stopped;   /* 1: the last call returned before the end; -1: a
                    * resumed call found no memory for its workspace */
} fi_gemm_resume;

void fi_gemm_resumable_f32(int trans_a, int trans_b, fi_index m, fi_index n, fi_index k,
                           float alpha, const float *a, fi_index lda, const float *b,
                           fi_index ldb, float beta, float *c, fi_index ldc,
                           const fi_epilogue *ep, fi_gemm_resume *r);
void fi_gemm_resumable_f64(int trans_a, int trans_b, fi_index m, fi_index n, fi_index k,
                           double alpha, const double *a, fi_index lda, const double *b,
                           fi_index ldb, double beta, double *c, fi_index ldc,
                           const fi_epilogue *ep, fi_gemm_resume *r);

/* The row multiple at which callers that split C into row blocks
 * themselves (the fused MLP step) should cut: the register tile's rows, or
 * 1 when the active kernel set runs short tiles at the cost of their rows
 * (see part in gemm_isa.h), so that blocks of equal rows take equal
 * time. */
int fi_gemm_row_grain_f32(void);
int fi_gemm_row_grain_f64(void);


#ifdef __cplusplus
}
#endif
#endif
