/* Elementwise kernels, portable C (the generic kernel set).
 * SIMD sets in elementwise_avx2.c / elementwise_avx512.c replace the hot
 * loops at run time through cpu.h. */
#include "elementwise.h"

#include <math.h>

#define FI_EW_MIN_PER_THREAD 65536.0

#define FI_EW_DEFINE(T, SFX, EXP, TANH)                                                       \
    static inline T fi_sigmoid1_##SFX(T x) {                                                  \
        /* exp of a non-positive argument only: no overflow for any x */                      \
        if (x >= 0) {                                                                         \
            T e = EXP(-x);                                                                    \
            return (T)1 / ((T)1 + e);                                                         \
        }                                                                                     \
        T e = EXP(x);                                                                         \
        return e / ((T)1 + e);                                                                \
    }                                                                                         \
    void fi_act_forward_##SFX(int act, T slope, fi_index n, const T *x, T *y) {               \
        int nt = fi_threads_for((double)n, FI_EW_MIN_PER_THREAD);                             \
        (void)nt;                                                                             \
        switch (act) {                                                                        \
        case FI_ACT_SIGMOID:                                                                  \
            _Pragma("omp parallel for num_threads(nt) schedule(static)")                      \
            for (fi_index i = 0; i < n; i++) y[i] = fi_sigmoid1_##SFX(x[i]);                  \
            break;                                                                            \
        case FI_ACT_TANH:                                                                     \
            _Pragma("omp parallel for num_threads(nt) schedule(static)")                      \
            for (fi_index i = 0; i < n; i++) y[i] = TANH(x[i]);                               \
            break;                                                                            \
        case FI_ACT_RELU:                                                                     \
            _Pragma("omp parallel for num_threads(nt) schedule(static)")                      \
            for (fi_index i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : (x[i] != x[i] ? x[i] : (T)0); \
            break;                                                                            \
        case FI_ACT_LEAKY_RELU:                                                               \
            _Pragma("omp parallel for num_threads(nt) schedule(static)")                      \
            for (fi_index i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : slope * x[i];           \
            break;                                                                            \
        default:                                                                              \
            if (x != y) {                                                                     \
                _Pragma("omp parallel for num_threads(nt) schedule(static)")                  \
                for (fi_index i = 0; i < n; i++) y[i] = x[i];                                 \
            }                                                                                 \
        }                                                                                     \
    }                                                                                         \
    void fi_act_backward_##SFX(int act, T slope, fi_index n, const T *dout, const T *s,       \
                               T *dx) {                                                       \
        int nt = fi_threads_for((double)n, FI_EW_MIN_PER_THREAD);                             \
        (void)nt;                                                                             \
        switch (act) {                                                                        \
        case FI_ACT_SIGMOID:                                                                  \
            _Pragma("omp parallel for num_threads(nt) schedule(static)")                      \
            for (fi_index i = 0; i < n; i++) dx[i] = dout[i] * s[i] * ((T)1 - s[i]);          \
            break;                                                                            \
        case FI_ACT_TANH:                                                                     \
            _Pragma("omp parallel for num_threads(nt) schedule(static)")                      \
            for (fi_index i = 0; i < n; i++) dx[i] = dout[i] * ((T)1 - s[i] * s[i]);          \
            break;                                                                            \
        case FI_ACT_RELU:                                                                     \
            _Pragma("omp parallel for num_threads(nt) schedule(static)")                      \
            for (fi_index i = 0; i < n; i++) dx[i] = s[i] > 0 ? dout[i] : (T)0;               \
            break;                                                                            \
        case FI_ACT_LEAKY_RELU:                                                               \
            _Pragma("omp parallel for num_threads(nt) schedule(static)")                      \
            for (fi_index i = 0; i < n; i++) dx[i] = s[i] > 0 ? dout[i] : slope * dout[i];    \
            break;                                                                            \
        default:                                                                              \
            if (dout != dx) {                                                                 \
                _Pragma("omp parallel for num_threads(nt) schedule(static)")                  \
                for (fi_index i = 0; i < n; i++) dx[i] = dout[i];                             \
            }                                                                                 \
        }                                                                                     \
    }                                                                                         \
    void fi_bias_act_##SFX(int act, T slope, fi_index m, fi_index n, const T *bias, T *y,     \
                           fi_index ldy) {                                                    \
        int nt = fi_threads_for((double)m * n, FI_EW_MIN_PER_THREAD);                         \
        (void)nt;                                                                             \
        _Pragma("omp parallel for num_threads(nt) schedule(static)")                          \
        for (fi_index i = 0; i < m; i++) {                                                    \
            T *yi = y + i * ldy;                                                              \
            if (bias)                                                                         \
                for (fi_index j = 0; j < n; j++) yi[j] += bias[j];                            \
            fi_act_forward_##SFX(act, slope, n, yi, yi);                                      \
        }                                                                                     \
    }                                                                                         \
    void fi_sum_rows_##SFX(fi_index m, fi_index n, const T *x, fi_index ldx, T *out) {        \
        for (fi_index j = 0; j < n; j++) out[j] = 0;                                          \
        for (fi_index i = 0; i < m; i++) {                                                    \
            const T *xi = x + i * ldx;                                                        \
            for (fi_index j = 0; j < n; j++) out[j] += xi[j];                                 \
        }                                                                                     \
    }

FI_EW_DEFINE(float, f32, expf, tanhf)
FI_EW_DEFINE(double, f64, exp, tanh)
