/* Elementwise kernels: the portable (generic) kernel set, the per-call
 * choice of SIMD set (cpu.h), and the split of the work over the thread
 * team (core/pool.h).
 *
 * Parts are contiguous, 16-element-aligned ranges; since every kernel set
 * computes an element the same way wherever it falls in a range, results
 * are bitwise identical for any thread count and any thread doing a part. */
#include "elementwise/elementwise.h"

#include <math.h>
#include <string.h>

#include "core/cpu.h"
#include "core/pool.h"
#include "elementwise/elementwise_isa.h"

/* Below this much work (elements x cost) per thread a fork costs more than
 * it saves. */
#define FI_EW_MIN_PER_THREAD 65536.0

/* Relative cost per element: the transcendental ones are worth threads
 * sooner. */
static double fi_act_cost(int act) {
    return (act == FI_ACT_SIGMOID || act == FI_ACT_TANH) ? 8.0 : 1.0;
}

/* fi_threads_for, skipping the thread-count queries for small work (the GEMM
 * epilogue calls fi_bias_act once per cache-resident strip). */
static int fi_ew_threads(double work) {
    return work < 2 * FI_EW_MIN_PER_THREAD ? 1 : fi_threads_for(work, FI_EW_MIN_PER_THREAD);
}

#if FI_X86
#define FI_PICK(name, SFX)                                                                     \
    (fi_active_isa() == FI_ISA_AVX512 ? name##_##SFX##_avx512                                  \
     : fi_active_isa() == FI_ISA_AVX2 ? name##_##SFX##_avx2                                    \
                                      : name##_##SFX##_generic)
#else
#define FI_PICK(name, SFX) name##_##SFX##_generic
#endif

#define FI_EW_DEFINE(T, SFX, EXP, TANH, ABS)                                                   \
    /* the reference formulas (fastinit.reference.functional), one element */                  \
    static inline T fi_sigmoid1_##SFX(T x) {                                                   \
        T e = EXP(-ABS(x)); /* exp of a non-positive argument: never overflows */              \
        T r = (T)1 / ((T)1 + e);                                                               \
        return x >= 0 ? r : e * r;                                                             \
    }                                                                                          \
    static inline T fi_relu1_##SFX(T x) { return (T)0 > x ? (T)0 : x; }                        \
                                                                                               \
    /* one loop per activation so the compiler can vectorize the cheap ones */                 \
    static void fi_ew_row_##SFX##_generic(int act, T slope, fi_index n, const T *x,            \
                                          const T *b, T *y) {                                  \
        switch (act) {                                                                         \
        case FI_ACT_SIGMOID:                                                                   \
            for (fi_index j = 0; j < n; j++) y[j] = fi_sigmoid1_##SFX(b ? x[j] + b[j] : x[j]); \
            break;                                                                             \
        case FI_ACT_TANH:                                                                      \
            for (fi_index j = 0; j < n; j++) y[j] = TANH(b ? x[j] + b[j] : x[j]);              \
            break;                                                                             \
        case FI_ACT_RELU:                                                                      \
            for (fi_index j = 0; j < n; j++) y[j] = fi_relu1_##SFX(b ? x[j] + b[j] : x[j]);    \
            break;                                                                             \
        case FI_ACT_LEAKY_RELU:                                                                \
            for (fi_index j = 0; j < n; j++) {                                                 \
                T v = b ? x[j] + b[j] : x[j];                                                  \
                y[j] = v > 0 ? v : slope * v;                                                  \
            }                                                                                  \
            break;                                                                             \
        default:                                                                               \
            if (b)                                                                             \
                for (fi_index j = 0; j < n; j++) y[j] = x[j] + b[j];                           \
            else if (x != y)                                                                   \
                memmove(y, x, (size_t)n * sizeof(T));                                          \
        }                                                                                      \
    }                                                                                          \
    void fi_ew_rows_##SFX##_generic(int act, T slope, fi_index m, fi_index n, const T *x,      \
                                    fi_index ldx, const T *bias, T *y, fi_index ldy) {         \
        for (fi_index i = 0; i < m; i++)                                                       \
            fi_ew_row_##SFX##_generic(act, slope, n, x + i * ldx, bias, y + i * ldy);          \
    }                                                                                          \
    void fi_ew_backward_##SFX##_generic(int act, T slope, fi_index n, const T *dout,           \
                                        const T *s, T *dx) {                                   \
        switch (act) {                                                                         \
        case FI_ACT_SIGMOID:                                                                   \
            for (fi_index i = 0; i < n; i++) dx[i] = dout[i] * s[i] * ((T)1 - s[i]);           \
            break;                                                                             \
        case FI_ACT_TANH:                                                                      \
            for (fi_index i = 0; i < n; i++) dx[i] = dout[i] * ((T)1 - s[i] * s[i]);           \
            break;                                                                             \
        case FI_ACT_RELU:                                                                      \
            for (fi_index i = 0; i < n; i++) dx[i] = s[i] > 0 ? dout[i] : (T)0;                    \
            break;                                                                             \
        case FI_ACT_LEAKY_RELU:                                                                \
            for (fi_index i = 0; i < n; i++) dx[i] = dout[i] * (s[i] > 0 ? (T)1 : slope);      \
            break;                                                                             \
        default:                                                                               \
            if (dout != dx) memmove(dx, dout, (size_t)n * sizeof(T));                          \
        }                                                                                      \
    }                                                                                          \
                                                                                               \
    /* one call's arguments, for the pool's range functions */                                 \
    typedef struct {                                                                           \
        void (*rows)(int, T, fi_index, fi_index, const T *, fi_index, const T *, T *,          \
                     fi_index);                                                                \
        void (*bwd)(int, T, fi_index, const T *, const T *, T *);                              \
        int act;                                                                               \
        T slope;                                                                               \
        fi_index n, ld;                                                                        \
        const T *x, *s, *bias;                                                                 \
        T *y;                                                                                  \
    } fi_ew_ctx_##SFX;                                                                         \
    static void fi_act_forward_range_##SFX(void *ctx, fi_index lo, fi_index hi) {              \
        const fi_ew_ctx_##SFX *c = (const fi_ew_ctx_##SFX *)ctx;                               \
        c->rows(c->act, c->slope, 1, hi - lo, c->x + lo, 0, NULL, c->y + lo, 0);               \
    }                                                                                          \
    static void fi_act_backward_range_##SFX(void *ctx, fi_index lo, fi_index hi) {             \
        const fi_ew_ctx_##SFX *c = (const fi_ew_ctx_##SFX *)ctx;                               \
        c->bwd(c->act, c->slope, hi - lo, c->x + lo, c->s + lo, c->y + lo);                    \
    }                                                                                          \
    static void fi_bias_act_range_##SFX(void *ctx, fi_index lo, fi_index hi) {                 \
        const fi_ew_ctx_##SFX *c = (const fi_ew_ctx_##SFX *)ctx;                               \
        c->rows(c->act, c->slope, hi - lo, c->n, c->y + lo * c->ld, c->ld, c->bias,            \
                c->y + lo * c->ld, c->ld);                                                     \
    }                                                                                          \
    void fi_act_forward_##SFX(int act, T slope, fi_index n, const T *x, T *y) {                \
        if (n <= 0 || (act == FI_ACT_IDENTITY && x == y)) return;                              \
        fi_ew_ctx_##SFX c = {.rows = FI_PICK(fi_ew_rows, SFX), .act = act, .slope = slope,     \
                             .x = x, .y = y};                                                  \
        int nt = fi_ew_threads((double)n * fi_act_cost(act));                                  \
        fi_pool_for(nt, n, 16, fi_act_forward_range_##SFX, &c);                                \
    }                                                                                          \
    void fi_act_backward_##SFX(int act, T slope, fi_index n, const T *dout, const T *s,        \
                               T *dx) {                                                        \
        if (n <= 0 || (act == FI_ACT_IDENTITY && dout == dx)) return;                          \
        fi_ew_ctx_##SFX c = {.bwd = FI_PICK(fi_ew_backward, SFX), .act = act, .slope = slope,  \
                             .x = dout, .s = s, .y = dx};                                      \
        int nt = fi_ew_threads((double)n);                                                     \
        fi_pool_for(nt, n, 16, fi_act_backward_range_##SFX, &c);                               \
    }                                                                                          \
    void fi_bias_act_##SFX(int act, T slope, fi_index m, fi_index n, const T *bias, T *y,      \
                           fi_index ldy) {                                                     \
        if (m <= 0 || n <= 0 || (act == FI_ACT_IDENTITY && !bias)) return;                     \
        fi_ew_ctx_##SFX c = {.rows = FI_PICK(fi_ew_rows, SFX), .act = act, .slope = slope,     \
                             .n = n, .ld = ldy, .bias = bias, .y = y};                         \
        int nt = fi_ew_threads((double)m * n * fi_act_cost(act));                              \
        fi_pool_for(nt, m, 1, fi_bias_act_range_##SFX, &c);                                    \
    }                                                                                          \
                                                                                               \
    static void fi_sum_cols_##SFX(fi_index m, fi_index w, const T *x, fi_index ldx,           \
                                  T *FI_RESTRICT o) {                                          \
        for (fi_index j = 0; j < w; j++) o[j] = 0;                                             \
        for (fi_index i = 0; i < m; i++) {                                                     \
            const T *FI_RESTRICT xi = x + i * ldx;                                             \
            for (fi_index j = 0; j < w; j++) o[j] += xi[j];                                    \
        }                                                                                      \
    }                                                                                          \
                                                                                               \
    /* Each column is summed top to bottom whatever the split; threads take                    \
     * whole blocks of columns (the accumulators stay in L1). */                               \
    static void fi_sum_rows_range_##SFX(void *ctx, fi_index lo, fi_index hi) {                 \
        const fi_ew_ctx_##SFX *c = (const fi_ew_ctx_##SFX *)ctx;                               \
        fi_sum_cols_##SFX(c->n, hi - lo, c->x + lo, c->ld, c->y + lo);                         \
    }                                                                                          \
    void fi_sum_rows_##SFX(fi_index m, fi_index n, const T *x, fi_index ldx, T *out) {         \
        fi_ew_ctx_##SFX c = {.n = m, .ld = ldx, .x = x, .y = out};                             \
        int nt = fi_ew_threads((double)m * n);                                                 \
        fi_pool_for(nt, n, 512, fi_sum_rows_range_##SFX, &c);                                  \
    }

/* defines fi_ew_rows_f32_generic, fi_ew_rows_f64_generic, fi_ew_backward_f32_generic,
 * fi_ew_backward_f64_generic, fi_act_forward_f32, fi_act_forward_f64, fi_act_backward_f32,
 * fi_act_backward_f64, fi_bias_act_f32, fi_bias_act_f64, fi_sum_rows_f32, fi_sum_rows_f64,
 * fi_ew_row_f32_generic, fi_ew_row_f64_generic, fi_sum_cols_f32, fi_sum_cols_f64,
 * fi_sigmoid1_f32, fi_sigmoid1_f64, fi_relu1_f32, fi_relu1_f64 */
FI_EW_DEFINE(float, f32, expf, tanhf, fabsf)
FI_EW_DEFINE(double, f64, exp, tanh, fabs)
