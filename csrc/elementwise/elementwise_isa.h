/* elementwise_isa.h (internal): the serial kernels each SIMD set provides.
 *
 * elementwise.c and loss.c pick one set per call (cpu.h) and split the work
 * over threads; the kernels below handle one contiguous range with no
 * threading.  Every set computes each element with the same operations
 * wherever it sits in the range (tails use masked vectors, not a scalar
 * loop), so results never depend on how the range was split. */
#ifndef FASTINIT_ELEMENTWISE_ISA_H
#define FASTINIT_ELEMENTWISE_ISA_H

#include "core/fastinit.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FI_EW_ISA_DECLARE(ISA)                                                                 \
    /* y[i, :] = act(x[i, :] + bias) for m rows of n (bias may be NULL, x may == y) */         \
    void fi_ew_rows_f32_##ISA(int act, float slope, fi_index m, fi_index n, const float *x,    \
                              fi_index ldx, const float *bias, float *y, fi_index ldy);        \
    void fi_ew_rows_f64_##ISA(int act, double slope, fi_index m, fi_index n, const double *x,  \
                              fi_index ldx, const double *bias, double *y, fi_index ldy);      \
    void fi_ew_backward_f32_##ISA(int act, float slope, fi_index n, const float *dout,         \
                                  const float *saved, float *dx);                              \
    void fi_ew_backward_f64_##ISA(int act, double slope, fi_index n, const double *dout,       \
                                  const double *saved, double *dx);                            \
    /* y = softmax(x) for one row of n >= 1; returns logsumexp(x) */                           \
    double fi_softmax_row_f32_##ISA(fi_index n, const float *x, float *y);                     \
    double fi_softmax_row_f64_##ISA(fi_index n, const double *x, double *y);

FI_EW_ISA_DECLARE(generic)
#if FI_X86
FI_EW_ISA_DECLARE(avx2)
FI_EW_ISA_DECLARE(avx512)
#endif

#ifdef __cplusplus
}
#endif
#endif
