/* Optimizer updates: one streaming pass per parameter, plain loops the
 * compiler vectorizes at -O3 (sqrt and division have vector forms; no libm
 * calls), split over threads only for large parameters. */
#include "nn/optim.h"

#include <math.h>

/* An update reads 2-4 arrays and writes 1-3: below this many elements per
 * thread the fork/join costs more than the loop. */
#define FI_OPT_MIN_PER_THREAD 32768.0

#define FI_OPTIM_DEFINE(T, SFX, SQRT)                                                         \
    void fi_optim_update_##SFX(const fi_optimizer *opt, fi_index n, T *FI_RESTRICT p,         \
                               const T *FI_RESTRICT g, T *FI_RESTRICT s1,                     \
                               T *FI_RESTRICT s2) {                                           \
        if (n <= 0) return;                                                                   \
        int nt = fi_threads_for((double)n, FI_OPT_MIN_PER_THREAD);                            \
        const T lr = (T)opt->lr, eps = (T)opt->eps;                                           \
        switch (opt->kind) {                                                                  \
        case FI_OPT_SGD:                                                                      \
            FI_PARALLEL_FOR_SIMD(nt, i, n, p[i] -= lr * g[i];);                               \
            break;                                                                            \
        case FI_OPT_MOMENTUM: {                                                               \
            const T mom = (T)opt->momentum;                                                   \
            FI_PARALLEL_FOR_SIMD(nt, i, n, T v = mom * s1[i] - lr * g[i]; s1[i] = v;          \
                                 p[i] += v;);                                                 \
            break;                                                                            \
        }                                                                                     \
        case FI_OPT_ADAGRAD:                                                                  \
            FI_PARALLEL_FOR_SIMD(nt, i, n, T h = s1[i] + g[i] * g[i]; s1[i] = h;              \
                                 p[i] -= lr * g[i] / (SQRT(h) + eps););                       \
            break;                                                                            \
        case FI_OPT_ADAM: {                                                                   \
            const T c1 = (T)(1.0 - opt->beta1), c2 = (T)(1.0 - opt->beta2);                   \
            FI_PARALLEL_FOR_SIMD(nt, i, n, T m = s1[i] + c1 * (g[i] - s1[i]);                 \
                                 T v = s2[i] + c2 * (g[i] * g[i] - s2[i]); s1[i] = m;         \
                                 s2[i] = v; p[i] -= lr * m / (SQRT(v) + eps););               \
            break;                                                                            \
        }                                                                                     \
        default:                                                                              \
            break;                                                                            \
        }                                                                                     \
    }

/* defines fi_optim_update_f32, fi_optim_update_f64 */
FI_OPTIM_DEFINE(float, f32, sqrtf)
FI_OPTIM_DEFINE(double, f64, sqrt)
