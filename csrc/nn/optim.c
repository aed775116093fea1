/* Optimizer updates: one streaming pass per parameter, plain loops the
 * compiler vectorizes at -O3 (sqrt and division have vector forms; no libm
 * calls), split over threads only for large parameters. */
#include "nn/optim.h"

#include <math.h>

#include "core/pool.h"

/* An update reads 2-4 arrays and writes 1-3: below this many elements per
 * thread the fork/join costs more than the loop. */
#define FI_OPT_MIN_PER_THREAD 32768.0

/* The loops carry `omp simd` (-fopenmp-simd, no runtime): GCC would not
 * vectorize sqrt and division with errno semantics alone.  Elementwise
 * IEEE operations give the same bits in vector and scalar form, so
 * neither the split nor the vectorization changes a value. */
#define FI_OPTIM_DEFINE(T, SFX, SQRT)                                                         \
    typedef struct {                                                                          \
        const fi_optimizer *opt;                                                              \
        T *FI_RESTRICT p;                                                                     \
        const T *FI_RESTRICT g;                                                               \
        T *FI_RESTRICT s1, *FI_RESTRICT s2;                                                   \
    } fi_optim_ctx_##SFX;                                                                     \
    static void fi_optim_range_##SFX(void *ctx, fi_index lo, fi_index hi) {                   \
        const fi_optim_ctx_##SFX *c = (const fi_optim_ctx_##SFX *)ctx;                        \
        const fi_optimizer *opt = c->opt;                                                     \
        T *FI_RESTRICT p = c->p, *FI_RESTRICT s1 = c->s1, *FI_RESTRICT s2 = c->s2;            \
        const T *FI_RESTRICT g = c->g;                                                        \
        const T lr = (T)opt->lr, eps = (T)opt->eps;                                           \
        switch (opt->kind) {                                                                  \
        case FI_OPT_SGD:                                                                      \
            _Pragma("omp simd") for (fi_index i = lo; i < hi; i++) p[i] -= lr * g[i];         \
            break;                                                                            \
        case FI_OPT_MOMENTUM: {                                                               \
            const T mom = (T)opt->momentum;                                                   \
            _Pragma("omp simd") for (fi_index i = lo; i < hi; i++) {                          \
                T v = mom * s1[i] - lr * g[i];                                                \
                s1[i] = v;                                                                    \
                p[i] += v;                                                                    \
            }                                                                                 \
            break;                                                                            \
        }                                                                                     \
        case FI_OPT_ADAGRAD:                                                                  \
            _Pragma("omp simd") for (fi_index i = lo; i < hi; i++) {                          \
                T h = s1[i] + g[i] * g[i];                                                    \
                s1[i] = h;                                                                    \
                p[i] -= lr * g[i] / (SQRT(h) + eps);                                          \
            }                                                                                 \
            break;                                                                            \
        case FI_OPT_ADAM: {                                                                   \
            const T c1 = (T)(1.0 - opt->beta1), c2 = (T)(1.0 - opt->beta2);                   \
            _Pragma("omp simd") for (fi_index i = lo; i < hi; i++) {                          \
                T m = s1[i] + c1 * (g[i] - s1[i]);                                            \
                T v = s2[i] + c2 * (g[i] * g[i] - s2[i]);                                     \
                s1[i] = m;                                                                    \
                s2[i] = v;                                                                    \
                p[i] -= lr * m / (SQRT(v) + eps);                                             \
            }                                                                                 \
            break;                                                                            \
        }                                                                                     \
        default:                                                                              \
            break;                                                                            \
        }                                                                                     \
    }                                                                                         \
    void fi_optim_update_##SFX(const fi_optimizer *opt, fi_index n, T *FI_RESTRICT p,         \
                               const T *FI_RESTRICT g, T *FI_RESTRICT s1,                     \
                               T *FI_RESTRICT s2) {                                           \
        if (n <= 0) return;                                                                   \
        fi_optim_ctx_##SFX c = {opt, p, g, s1, s2};                                           \
        int nt = fi_threads_for((double)n, FI_OPT_MIN_PER_THREAD);                            \
        fi_pool_for(nt, n, 16, fi_optim_range_##SFX, &c);                                     \
    }

/* defines fi_optim_update_f32, fi_optim_update_f64, fi_optim_range_f32, fi_optim_range_f64 */
FI_OPTIM_DEFINE(float, f32, sqrtf)
FI_OPTIM_DEFINE(double, f64, sqrt)
