/* The fused MLP training step (see mlp.h).
 *
 * Workspace layout, each buffer 64-byte aligned:
 *   H[l]   (batch, sizes[l])  hidden outputs act(x W + b), l = 1..L-1
 *   P      (batch, classes)   logits -> probabilities -> dLoss/dlogits
 *   D0, D1 (batch, max hidden) ping-pong buffers for dLoss/dH
 * dLoss/dx of the input is never formed: nothing consumes it. */
#include "mlp.h"

#include "elementwise.h"
#include "gemm.h"
#include "loss.h"

static size_t fi_mlp_round64(size_t bytes) { return (bytes + 63) & ~(size_t)63; }

static fi_index fi_mlp_max_hidden(const fi_mlp_spec *s) {
    fi_index mx = 0;
    for (int l = 1; l < s->n_layers; l++)
        if (s->sizes[l] > mx) mx = s->sizes[l];
    return mx;
}

size_t fi_mlp_workspace_bytes(const fi_mlp_spec *s, fi_index batch, size_t elem) {
    size_t total = 0;
    for (int l = 1; l <= s->n_layers; l++)
        total += fi_mlp_round64((size_t)batch * (size_t)s->sizes[l] * elem);
    total += 2 * fi_mlp_round64((size_t)batch * (size_t)fi_mlp_max_hidden(s) * elem);
    return total;
}

#define FI_MLP_DEFINE(T, SFX)                                                                 \
    static void fi_mlp_decay_##SFX(fi_index n, T lambda, const T *FI_RESTRICT w,              \
                                   T *FI_RESTRICT g) {                                        \
        for (fi_index i = 0; i < n; i++) g[i] += lambda * w[i];                               \
    }                                                                                         \
    static double fi_mlp_sumsq_##SFX(fi_index n, const T *w) {                                \
        double s = 0;                                                                         \
        for (fi_index i = 0; i < n; i++) s += (double)w[i] * (double)w[i];                    \
        return s;                                                                             \
    }                                                                                         \
    double fi_mlp_step_##SFX(const fi_mlp_spec *s, fi_index batch, const T *x,                \
                             const int64_t *labels, const T *onehot, T *const *params,        \
                             T *const *grads, T *const *state1, T *const *state2,             \
                             const fi_optimizer *opt, void *work) {                           \
        const int L = s->n_layers;                                                            \
        const fi_index *d = s->sizes;                                                         \
        const fi_index N = batch;                                                             \
        T *H[64]; /* Python caps the depth; see fastinit/net.py */                            \
        if (L < 1 || L > 64) return 0.0;                                                      \
        char *w = (char *)work;                                                               \
        for (int l = 1; l <= L; l++) {                                                        \
            H[l - 1] = (T *)w;                                                                \
            w += fi_mlp_round64((size_t)N * (size_t)d[l] * sizeof(T));                        \
        }                                                                                     \
        T *P = H[L - 1];                                                                      \
        T *D[2];                                                                              \
        D[0] = (T *)w;                                                                        \
        D[1] = (T *)(w + fi_mlp_round64((size_t)N * (size_t)fi_mlp_max_hidden(s) * sizeof(T))); \
        const T lambda = (T)s->weight_decay;                                                  \
                                                                                              \
        /* forward: the bias and activation run on each tile of the product */                \
        for (int l = 0; l < L; l++) {                                                         \
            fi_epilogue ep = {params[2 * l + 1], l < L - 1 ? s->act : FI_ACT_IDENTITY,        \
                              s->slope};                                                      \
            const T *in = l ? H[l - 1] : x;                                                   \
            fi_gemm_ex_##SFX(0, 0, N, d[l + 1], d[l], (T)1, in, d[l], params[2 * l],          \
                             d[l + 1], (T)0, H[l], d[l + 1], &ep);                            \
        }                                                                                     \
        double loss = fi_softmax_xent_##SFX(N, d[L], P, labels, onehot, P);                   \
        if (s->weight_decay != 0) {                                                           \
            double sq = 0;                                                                    \
            for (int l = 0; l < L; l++) sq += fi_mlp_sumsq_##SFX(d[l] * d[l + 1], params[2 * l]); \
            loss += 0.5 * s->weight_decay * sq;                                               \
        }                                                                                     \
                                                                                              \
        /* backward, updating each layer as soon as its weights are no longer read */         \
        fi_softmax_xent_backward_##SFX(N, d[L], P, labels, onehot, (T)(1.0 / (double)N), P);  \
        T *delta = P; /* dLoss / d(pre-activation) of layer l + 1 */                          \
        /* SGD folds its update into the weight-gradient GEMM:                             \
         * W = (1 - lr*lambda) W - lr * in^T delta, one pass over W instead of              \
         * writing dW and reading it back (grads then holds only the biases). */            \
        const int sgd_in_gemm = opt->kind == FI_OPT_SGD;                                      \
        for (int l = L - 1; l >= 0; l--) {                                                    \
            const T *in = l ? H[l - 1] : x;                                                   \
            T *W = params[2 * l], *b = params[2 * l + 1];                                     \
            T *gW = grads[2 * l], *gb = grads[2 * l + 1];                                     \
            const fi_index nw = d[l] * d[l + 1];                                              \
            T *next = NULL;                                                                   \
            if (l > 0) { /* dLoss/dH of the layer below, from W before its update */          \
                next = D[l & 1];                                                              \
                fi_gemm_##SFX(0, 1, N, d[l], d[l + 1], (T)1, delta, d[l + 1], W, d[l + 1],    \
                              (T)0, next, d[l]);                                              \
                fi_act_backward_##SFX(s->act, (T)s->slope, N * d[l], next, H[l - 1], next);   \
            }                                                                                 \
            fi_sum_rows_##SFX(N, d[l + 1], delta, d[l + 1], gb);                              \
            if (sgd_in_gemm) {                                                                \
                fi_gemm_##SFX(1, 0, d[l], d[l + 1], N, (T)(-opt->lr), in, d[l], delta,        \
                              d[l + 1], (T)(1.0 - opt->lr * s->weight_decay), W, d[l + 1]);   \
            } else {                                                                          \
                fi_gemm_##SFX(1, 0, d[l], d[l + 1], N, (T)1, in, d[l], delta, d[l + 1], (T)0, \
                              gW, d[l + 1]);                                                  \
                if (lambda != 0) fi_mlp_decay_##SFX(nw, lambda, W, gW);                       \
                if (opt->kind != FI_OPT_NONE)                                                 \
                    fi_optim_update_##SFX(opt, nw, W, gW, state1 ? state1[2 * l] : NULL,      \
                                          state2 ? state2[2 * l] : NULL);                     \
            }                                                                                 \
            if (opt->kind != FI_OPT_NONE)                                                     \
                fi_optim_update_##SFX(opt, d[l + 1], b, gb, state1 ? state1[2 * l + 1] : NULL, \
                                      state2 ? state2[2 * l + 1] : NULL);                     \
            delta = next;                                                                     \
        }                                                                                     \
        return loss;                                                                          \
    }

FI_MLP_DEFINE(float, f32)
FI_MLP_DEFINE(double, f64)
