/* elementwise.h: activations forward/backward, fused bias+activation, and
 * column sums, for float (f32) and double (f64).
 *
 * Forward kernels allow x == y (in place).  Backward kernels take the saved
 * forward quantity the cheapest formula needs:
 *   sigmoid: y (output)   dx = dout * y * (1 - y)
 *   tanh:    y (output)   dx = dout * (1 - y*y)
 *   relu:    x (input)    dx = x > 0 ? dout : 0    (no inf * 0 = NaN)
 *   leaky:   x (input)    dx = dout * (x > 0 ? 1 : slope)
 *   identity:             dx = dout
 * dx may alias dout.  Sigmoid is overflow-free for any finite or infinite x;
 * NaN propagates. */
#ifndef FASTINIT_ELEMENTWISE_H
#define FASTINIT_ELEMENTWISE_H

#include "core/fastinit.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fi_act {
    FI_ACT_IDENTITY = 0,
    FI_ACT_SIGMOID = 1,
    FI_ACT_TANH = 2,
    FI_ACT_RELU = 3,
    FI_ACT_LEAKY_RELU = 4,
    FI_ACT_COUNT /* members; fastinit._core checks its enum against this at import */
} fi_act;

void fi_act_forward_f32(int act, float slope, fi_index n, const float *x, float *y);
void fi_act_forward_f64(int act, double slope, fi_index n, const double *x, double *y);
void fi_act_backward_f32(int act, float slope, fi_index n, const float *dout,
                         const float *saved, float *dx);
void fi_act_backward_f64(int act, double slope, fi_index n, const double *dout,
                         const double *saved, double *dx);

/* y[i, j] = act(y[i, j] + bias[j]) for an (m, n) block with row stride ldy;
 * bias may be NULL. */
void fi_bias_act_f32(int act, float slope, fi_index m, fi_index n, const float *bias, float *y,
                     fi_index ldy);
void fi_bias_act_f64(int act, double slope, fi_index m, fi_index n, const double *bias,
                     double *y, fi_index ldy);

/* out[j] = sum_i x[i, j] (the bias gradient), summed in a fixed order so the
 * result does not depend on the thread count. */
void fi_sum_rows_f32(fi_index m, fi_index n, const float *x, fi_index ldx, float *out);
void fi_sum_rows_f64(fi_index m, fi_index n, const double *x, fi_index ldx, double *out);

#ifdef __cplusplus
}
#endif
#endif
