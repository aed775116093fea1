/* mlp.h: the fused training step of a fully connected network
 *
 *   x -> [Affine -> act] * (L-1) -> Affine -> softmax cross-entropy
 *
 * One call runs the forward pass (GEMM with the bias+activation epilogue),
 * the loss, the backward pass, L2 weight decay and the optimizer update, on
 * a caller-provided workspace: nothing is allocated.  It is the compiled
 * twin of MultiLayerNet.gradient() + optimizer.update() in
 * fastinit/reference.
 *
 * Parameters are passed as arrays of 2L pointers ordered W1, b1, ..., WL, bL
 * (Wl is (sizes[l-1], sizes[l]) row-major, bl has sizes[l] entries); grads
 * has the same layout and receives dLoss/dparam including the weight-decay
 * term lambda * W (except the W entries of an SGD step: SGD updates W
 * inside the weight-gradient GEMM, W = (1 - lr*lambda) W - lr * dW, and
 * never writes dW).  The activations are relu, leaky_relu (slope >= 0),
 * sigmoid, tanh or identity: their backward pass is computed from the
 * stored outputs, so no pre-activations are kept. */
#ifndef FASTINIT_MLP_H
#define FASTINIT_MLP_H

#include "core/fastinit.h"
#include "nn/optim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int n_layers;          /* L affine layers, >= 1 */
    const fi_index *sizes; /* L + 1 entries: input, hidden..., classes */
    int act;               /* fi_act of the hidden layers */
    double slope;          /* leaky_relu slope, >= 0 */
    double weight_decay;   /* lambda: loss += lambda/2 * sum ||W||^2 */
} fi_mlp_spec;

/* Bytes of workspace for a batch of `batch` rows of elements of size elem
 * (4 or 8), with room for the gathered batch when `gather` is nonzero;
 * every buffer inside starts on a 64-byte boundary. */
size_t fi_mlp_workspace_bytes(const fi_mlp_spec *spec, fi_index batch, size_t elem, int gather);

/* Returns the mean loss (+ weight decay) of the batch before the update.
 * Targets: int64 labels in [0, classes) (checked by the caller) or a
 * (batch, classes) one-hot matrix; exactly one non-NULL.  opt->kind ==
 * FI_OPT_NONE computes the gradients only.  state1/state2 are the
 * optimizer's per-parameter buffers (see optim.h), NULL where unused.
 *
 * rows, when not NULL, picks the batch from a larger data set: batch row i
 * is row rows[i] of x and of the targets (the caller checked every index;
 * the workspace was sized with gather != 0).  Each thread copies its own
 * rows inside the step, so the gather runs in parallel and leaves them in
 * that thread's cache for the first layer; the result is bit for bit that
 * of the step on the gathered arrays. */
double fi_mlp_step_f32(const fi_mlp_spec *spec, fi_index batch, const float *x,
                       const int64_t *labels, const float *onehot, const int64_t *rows,
                       float *const *params, float *const *grads, float *const *state1,
                       float *const *state2, const fi_optimizer *opt, void *work);
double fi_mlp_step_f64(const fi_mlp_spec *spec, fi_index batch, const double *x,
                       const int64_t *labels, const double *onehot, const int64_t *rows,
                       double *const *params, double *const *grads, double *const *state1,
                       double *const *state2, const fi_optimizer *opt, void *work);

#ifdef __cplusplus
}
#endif
#endif
