/* Elementwise kernels: the portable (generic) kernel set, the per-call
 * choice of SIMD set (cpu.h), and the OpenMP split of the work.
 *
 * Threads get contiguous, 16-element-aligned ranges of one static
 * partition; since every kernel set computes an element the same way
 * wherever it falls in a range, results are bitwise identical for any
 * thread count. */
#include "elementwise/elementwise.h"

#include <math.h>
#include <string.h>

#include "core/cpu.h"
#include "elementwise/elementwise_isa.h"

/* Below this much work (elements x cost) per thread a fork costs more than
 * it saves. */
#define FI_EW_MIN_PER_THREAD 65536.0

#ifdef FI_HAVE_OPENMP
/* [lo, hi) of thread t out of nt over n items, in whole blocks of `grain` */
static void fi_split(fi_index n, fi_index grain, int t, int nt, fi_index *lo, fi_index *hi) {
    fi_index blocks = (n + grain - 1) / grain;
    fi_index per = blocks / nt, extra = blocks % nt;
    fi_index b0 = t * per + (t < extra ? t : extra);
    fi_index b1 = b0 + per + (t < extra ? 1 : 0);
    *lo = b0 * grain < n ? b0 * grain : n;
    *hi = b1 * grain < n ? b1 * grain : n;
}

/* Run CALL (which uses lo, hi) over [0, n) on nt threads.  Inside an
 * enclosing parallel region (the GEMM epilogue) it runs serially. */
#define FI_PARALLEL_RANGE(n, grain, nt, CALL)                                                  \
    do {                                                                                       \
        if ((nt) <= 1 || omp_in_parallel()) {                                                  \
            fi_index lo = 0, hi = (n);                                                         \
            CALL;                                                                              \
        } else {                                                                               \
            const int cpu0 = fi_current_cpu();                                                 \
            _Pragma("omp parallel num_threads(nt)") {                                          \
                if (omp_get_thread_num() > 0) fi_spread_from(cpu0);                            \
                fi_index lo, hi;                                                               \
                fi_split((n), (grain), omp_get_thread_num(), omp_get_num_threads(), &lo, &hi); \
                if (hi > lo) CALL;                                                             \
            }                                                                                  \
        }                                                                                      \
    } while (0)
#else
#define FI_PARALLEL_RANGE(n, grain, nt, CALL)                                                  \
    do {                                                                                       \
        fi_index lo = 0, hi = (n);                                                             \
        (void)(nt);                                                                            \
        CALL;                                                                                  \
    } while (0)
#endif

/* Relative cost per element: the transcendental ones are worth threads
 * sooner. */
static double fi_act_cost(int act) {
    return (act == FI_ACT_SIGMOID || act == FI_ACT_TANH) ? 8.0 : 1.0;
}

/* fi_threads_for, skipping the OpenMP queries for small work (the GEMM
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
    void fi_act_forward_##SFX(int act, T slope, fi_index n, const T *x, T *y) {                \
        if (n <= 0 || (act == FI_ACT_IDENTITY && x == y)) return;                              \
        void (*rows)(int, T, fi_index, fi_index, const T *, fi_index, const T *, T *,          \
                     fi_index) = FI_PICK(fi_ew_rows, SFX);                                     \
        int nt = fi_ew_threads((double)n * fi_act_cost(act));                                  \
        FI_PARALLEL_RANGE(n, 16, nt,                                                           \
                          rows(act, slope, 1, hi - lo, x + lo, 0, NULL, y + lo, 0));           \
    }                                                                                          \
    void fi_act_backward_##SFX(int act, T slope, fi_index n, const T *dout, const T *s,        \
                               T *dx) {                                                        \
        if (n <= 0 || (act == FI_ACT_IDENTITY && dout == dx)) return;                          \
        void (*bwd)(int, T, fi_index, const T *, const T *, T *) =                             \
            FI_PICK(fi_ew_backward, SFX);                                                      \
        int nt = fi_ew_threads((double)n);                                                     \
        FI_PARALLEL_RANGE(n, 16, nt, bwd(act, slope, hi - lo, dout + lo, s + lo, dx + lo));    \
    }                                                                                          \
    void fi_bias_act_##SFX(int act, T slope, fi_index m, fi_index n, const T *bias, T *y,      \
                           fi_index ldy) {                                                     \
        if (m <= 0 || n <= 0 || (act == FI_ACT_IDENTITY && !bias)) return;                     \
        void (*rows)(int, T, fi_index, fi_index, const T *, fi_index, const T *, T *,          \
                     fi_index) = FI_PICK(fi_ew_rows, SFX);                                     \
        int nt = fi_ew_threads((double)m * n * fi_act_cost(act));                              \
        FI_PARALLEL_RANGE(m, 1, nt,                                                            \
                          rows(act, slope, hi - lo, n, y + lo * ldy, ldy, bias, y + lo * ldy,  \
                               ldy));                                                          \
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
    void fi_sum_rows_##SFX(fi_index m, fi_index n, const T *x, fi_index ldx, T *out) {         \
        const fi_index jb = 512;                                                               \
        fi_index nb = (n + jb - 1) / jb;                                                       \
        int nt = fi_ew_threads((double)m * n);                                                 \
        if (nt > nb) nt = (int)nb;                                                             \
        FI_PARALLEL_FOR(nt, blk, nb, fi_index j0 = blk * jb;                                   \
                        fi_sum_cols_##SFX(m, n - j0 < jb ? n - j0 : jb, x + j0, ldx, out + j0);); \
    }

/* defines fi_ew_rows_f32_generic, fi_ew_rows_f64_generic, fi_ew_backward_f32_generic,
 * fi_ew_backward_f64_generic, fi_act_forward_f32, fi_act_forward_f64, fi_act_backward_f32,
 * fi_act_backward_f64, fi_bias_act_f32, fi_bias_act_f64, fi_sum_rows_f32, fi_sum_rows_f64,
 * fi_ew_row_f32_generic, fi_ew_row_f64_generic, fi_sum_cols_f32, fi_sum_cols_f64,
 * fi_sigmoid1_f32, fi_sigmoid1_f64, fi_relu1_f32, fi_relu1_f64 */
FI_EW_DEFINE(float, f32, expf, tanhf, fabsf)
FI_EW_DEFINE(double, f64, exp, tanh, fabs)
