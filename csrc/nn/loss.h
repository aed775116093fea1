/* loss.h: row-wise softmax and softmax cross-entropy, f32 and f64.
 *
 * Targets come either as int64 labels (one per row, in [0, n): the caller
 * checks the range) or as an (m, n) one-hot / probability matrix; pass
 * exactly one of `labels`, `onehot`, the other NULL.
 *
 * The loss is the batch mean of  sum_j t_ij * (logsumexp(x_i) - x_ij),
 * computed from the max-subtracted logits (exact log-softmax: no epsilon,
 * no overflow), accumulated in double. */
#ifndef FASTINIT_LOSS_H
#define FASTINIT_LOSS_H

#include "core/fastinit.h"

#ifdef __cplusplus
extern "C" {
#endif

void fi_softmax_f32(fi_index m, fi_index n, const float *x, float *y); /* x may == y */
void fi_softmax_f64(fi_index m, fi_index n, const double *x, double *y);

/* Writes probs (m, n) (may alias logits) and returns the mean loss. */
double fi_softmax_xent_f32(fi_index m, fi_index n, const float *logits, const int64_t *labels,
                           const float *onehot, float *probs);
double fi_softmax_xent_f64(fi_index m, fi_index n, const double *logits, const int64_t *labels,
                           const double *onehot, double *probs);

/* dx = (probs - t) * scale; the gradient of the mean loss is scale = 1/m
 * (times the upstream dout).  dx may alias probs. */
void fi_softmax_xent_backward_f32(fi_index m, fi_index n, const float *probs,
                                  const int64_t *labels, const float *onehot, float scale,
                                  float *dx);
void fi_softmax_xent_backward_f64(fi_index m, fi_index n, const double *probs,
                                  const int64_t *labels, const double *onehot, double scale,
                                  double *dx);

/* The same loss as a running sum: returns acc + the sum of the per-row
 * losses of these m rows.  Calling it on consecutive slices of
 * FI_XENT_CHUNK_ROWS rows (the last one shorter), threading the
 * accumulator through, gives bit for bit the sum of one call over all
 * rows: this is how long calls are split to stay interruptible. */
#define FI_XENT_CHUNK_ROWS 16384
double fi_softmax_xent_acc_f32(fi_index m, fi_index n, const float *logits,
                               const int64_t *labels, const float *onehot, float *probs,
                               double acc);
double fi_softmax_xent_acc_f64(fi_index m, fi_index n, const double *logits,
                               const int64_t *labels, const double *onehot, double *probs,
                               double acc);

/* The loss in pieces, for callers that split the rows among their own
 * threads (the fused MLP step): the per-row losses of rows [i0, i1) into
 * row_loss[i0:i1] (probs written as above), then their mean, summed in the
 * same fixed order as fi_softmax_xent -- the same bits however the rows
 * were split. */
void fi_softmax_xent_rows_f32(fi_index i0, fi_index i1, fi_index n, const float *logits,
                              const int64_t *labels, const float *onehot, float *probs,
                              double *row_loss);
void fi_softmax_xent_rows_f64(fi_index i0, fi_index i1, fi_index n, const double *logits,
                              const int64_t *labels, const double *onehot, double *probs,
                              double *row_loss);
double fi_xent_mean(fi_index m, const double *row_loss);

#ifdef __cplusplus
}
#endif
#endif
