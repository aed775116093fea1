/* optim.h: in-place parameter updates of the classic optimizers, f32/f64.
 *
 * The formulas are those of deep-learning-from-scratch (common/optimizer.py),
 * the spec in fastinit/reference/optim.py:
 *   SGD       p -= lr * g
 *   Momentum  v = momentum * v - lr * g;  p += v
 *   AdaGrad   h += g * g;  p -= lr * g / (sqrt(h) + eps)
 *   Adam      m += (1 - beta1) * (g - m);  v += (1 - beta2) * (g*g - v);
 *             p -= lr_t * m / (sqrt(v) + eps)
 * where Adam's lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t) is computed by
 * the caller for step t.  Each element is updated independently, so results
 * are bitwise the same for any thread count.  g must not alias p or state. */
#ifndef FASTINIT_OPTIM_H
#define FASTINIT_OPTIM_H

#include "core/fastinit.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fi_opt_kind {
    FI_OPT_NONE = 0, /* gradients only, no update */
    FI_OPT_SGD = 1,
    FI_OPT_MOMENTUM = 2,
    FI_OPT_ADAGRAD = 3,
    FI_OPT_ADAM = 4,
    FI_OPT_COUNT /* members; fastinit._core checks its enum against this at import */
} fi_opt_kind;

/* One optimizer step's hyper-parameters.  state1 / state2 per parameter:
 * Momentum v / -, AdaGrad h / -, Adam m / v. */
typedef struct {
    int kind;
    double lr; /* Adam: the bias-corrected lr_t of this step */
    double momentum;
    double beta1, beta2;
    double eps;
} fi_optimizer;

void fi_optim_update_f32(const fi_optimizer *opt, fi_index n, float *p, const float *g,
                         float *state1, float *state2);
void fi_optim_update_f64(const fi_optimizer *opt, fi_index n, double *p, const double *g,
                         double *state1, double *state2);

#ifdef __cplusplus
}
#endif
#endif
