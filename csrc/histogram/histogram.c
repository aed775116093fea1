/* Histogram plan, the portable kernels and the dispatch to the AVX2 ones
 * (histogram_avx2.c).  Layout of the work: histogram_isa.h. */
#include <float.h>
#include <math.h>

#include "core/atomics.h"
#include "core/cpu.h"
#include "core/pool.h"
#include "core/fastinit.h"
#include "histogram/histogram_simd.h"

/* d as a float without undefined behaviour beyond FLT_MAX */
static float fi_hist_to_float(double d) {
    return d > FLT_MAX ? INFINITY : d < -FLT_MAX ? -INFINITY : (float)d;
}

/* The least float >= d: for a float x, x < d <=> x < fi_hist_ceil_f(d)
 * and x >= d <=> x >= fi_hist_ceil_f(d). */
static float fi_hist_ceil_f(double d) {
    float f = fi_hist_to_float(d);
    return (double)f < d ? nextafterf(f, INFINITY) : f;
}

/* The greatest float <= d: for a float x, x > d <=> x > fi_hist_floor_f(d). */
static float fi_hist_floor_f(double d) {
    float f = fi_hist_to_float(d);
    return (double)f > d ? nextafterf(f, -INFINITY) : f;
}

/* How far from k + 1 the estimate q puts edge k, the worst over the
 * interior edges.  q is monotone in x (a subtraction and a multiplication
 * by a positive number, each rounded), so a value of bin t has q between
 * the q of edges t and t + 1: when q is farther than this from every
 * integer in [2, bins], trunc(clamp(q, 1, bins)) is its slot.  The ends
 * need no bound: values beyond them are sorted by exact comparisons and
 * the clamp keeps the others inside.  Computed with the kernels' own
 * arithmetic (float for float data), so the bound is exact, not estimated. */
static double fi_hist_deviation(const fi_hist_plan *P, int in_float) {
    double dev = 0.0;
    for (int64_t k = 1; k < P->bins; k++) {
        double q;
        if (in_float) {
            volatile float qf = (fi_hist_ceil_f(P->edges[k]) - P->qlo_f) * P->qscale_f;
            q = qf;
        } else {
            q = (P->edges[k] - P->qlo) * P->qscale;
        }
        const double d = fabs(q - (double)(k + 1));
        if (!(d <= dev))
            dev = d; /* NaN too: then never below the limit */
    }
    return dev;
}

int fi_hist_plan_init(fi_hist_plan *P, const double *edges, int64_t bins, int skip_zeros,
                      double low_cut, double high_cut) {
    if (bins < 1 || bins > INT32_MAX - FI_HIST_EXTRA)
        return -1;
    for (int64_t k = 0; k <= bins; k++)
        if (!isfinite(edges[k]) || (k > 0 && !(edges[k] > edges[k - 1])))
            return -1;
    P->edges = edges;
    P->bins = bins;
    P->skip_zeros = skip_zeros != 0;
    P->lo = edges[0];
    P->hi = edges[bins];
    P->low_cut = low_cut;
    P->high_cut = high_cut;
    P->qscale = (double)bins / (P->hi - P->lo); /* 0 if hi - lo overflows: never fast */
    P->qlo = P->lo - 1.0 / P->qscale;            /* slot 1 starts at q = 1 */
    P->qscale_f = fi_hist_to_float(P->qscale);
    P->qlo_f = fi_hist_to_float(P->qlo);
    P->lo_f = fi_hist_ceil_f(P->lo);
    P->hi_f = fi_hist_floor_f(P->hi);
    P->low_cut_f = fi_hist_ceil_f(low_cut);
    P->high_cut_f = fi_hist_floor_f(high_cut);
    /* A quarter bin of slack at most; beyond that (absurd ranges) search. */
    const int finite = isfinite(P->qlo) && P->qscale > 0 && isfinite(P->qscale);
    P->qeps = fi_hist_deviation(P, 0);
    P->fast_f64 = finite && P->qeps < 0.25;
    const double dev_f = fi_hist_deviation(P, 1);
    P->qeps_f = fi_hist_ceil_f(dev_f < 1.0 ? dev_f : 1.0);
    /* rounded down: a lane at exactly qeps from an integer is still caught */
    P->qnear = nextafter(0.5 - P->qeps, 0.0);
    P->qnear_f = fi_hist_floor_f(0.5 - (double)P->qeps_f);
    P->fast_f32 = finite && isfinite(P->qlo_f) && P->qscale_f > 0 && isfinite(P->qscale_f) &&
                  dev_f < 0.25 && bins <= ((int64_t)1 << 22); /* slots exact in float */
    return 0;
}

/* ---- portable kernels: the AVX2 kernels' method one value at a time
 * (plan fields with suffix F: _f for float data; ABS: fabsf or fabs) ------------------------- */
#define FI_HIST_GENERIC_STEP(T, ABS, k)                                                          \
    do {                                                                                         \
        const T xv = x[j + (k)];                                                                 \
        const double v = (double)xv;                                                             \
        sum[k] += v;                                                                             \
        sq[k] += v * v;                                                                          \
        zeros += v == 0.0;                                                                       \
        low += v < P->low_cut;                                                                   \
        high += v > P->high_cut;                                                                 \
        int32_t sl;                                                                              \
        if (fast) {                                                                              \
            const T q = (xv - qlo) * qscale;                                                     \
            T qc = q > lowest ? q : lowest; /* NaN: lowest, overwritten below */                 \
            qc = qc < highest ? qc : highest;                                                    \
            sl = (int32_t)qc;                                                                    \
            /* qc less its nearest integer (no int-to-float conversion: it                       \
             * would make every step wait on the last through its register) */                   \
            const T off = qc - ((qc + round_magic) - round_magic);                               \
            if (ABS(off) <= near_tol)                                                            \
                sl = fi_hist_exact_slot(P, v);                                                   \
        } else {                                                                                 \
            sl = fi_hist_exact_slot(P, v);                                                       \
        }                                                                                        \
        sl = xv < lo ? 0 : sl;                                                                   \
        sl = xv > hi ? b + 1 : sl;                                                               \
        sl = xv != xv ? b + 3 : sl;                                                              \
        sl = (skip & (xv == 0)) ? b + 2 : sl;                                                    \
        slot[j + (k)] = sl;                                                                      \
    } while (0)

#define FI_HIST_GENERIC_BLOCK(SFX, T, F, ABS)                                                    \
    static void fi_hist_block_##SFX##_generic(const fi_hist_plan *P, const T *x, size_t m,       \
                                              int32_t *slot, fi_hist_summary *s) {               \
        const T qlo = P->qlo##F, qscale = P->qscale##F, qnear = P->qnear##F;                     \
        const T lo = P->lo##F, hi = P->hi##F;                                                    \
        /* lowest is 1.5 read at run time (used where qscale is finite): with a constant         \
         * bound, compilers branch (mispredicted half the time) instead of using max */          \
        const T lowest = (T)(1.5 + 0.0 * P->qscale), highest = (T)P->bins + (T)0.5;              \
        /* adding 2^mantissa-bits rounds [0, 2^22] to integers; near_tol (exact) >= qeps */      \
        const T round_magic = sizeof(T) == 4 ? (T)8388608.0 : (T)4503599627370496.0;             \
        const T near_tol = (T)0.5 - qnear;                                                       \
        const int32_t b = (int32_t)P->bins;                                                      \
        const int fast = P->fast_##SFX, skip = P->skip_zeros;                                    \
        double sum[4], sq[4];                                                                    \
        int64_t zeros = 0, low = 0, high = 0;                                                    \
        for (int k = 0; k < 4; k++) {                                                            \
            sum[k] = s->sum[k];                                                                  \
            sq[k] = s->sumsq[k];                                                                 \
        }                                                                                        \
        size_t j = 0;                                                                            \
        for (; j + 4 <= m; j += 4) {                                                             \
            FI_HIST_GENERIC_STEP(T, ABS, 0);                                                     \
            FI_HIST_GENERIC_STEP(T, ABS, 1);                                                     \
            FI_HIST_GENERIC_STEP(T, ABS, 2);                                                     \
            FI_HIST_GENERIC_STEP(T, ABS, 3);                                                     \
        }                                                                                        \
        for (size_t k = 0; j + k < m; k++) /* blocks start at multiples of 4 */                  \
            FI_HIST_GENERIC_STEP(T, ABS, k);                                                     \
        for (int k = 0; k < 4; k++) {                                                            \
            s->sum[k] = sum[k];                                                                  \
            s->sumsq[k] = sq[k];                                                                 \
        }                                                                                        \
        s->zeros += zeros;                                                                       \
        s->low_tail += low;                                                                      \
        s->high_tail += high;                                                                    \
    }

/* The AVX2 kernels where the CPU has them and the estimate is safe in the
 * data's precision, else the portable ones: a run over whole spans, the
 * moments of span j added to parts[j]. */
#if FI_X86
#define FI_HIST_TRY_AVX2(SFX)                                                                    \
    if (P->fast_##SFX && fi_active_isa() >= FI_ISA_AVX2) {                                       \
        fi_histogram_##SFX##_avx2(P, x, n, counts, parts);                                       \
        return;                                                                                  \
    }
#else
#define FI_HIST_TRY_AVX2(SFX)
#endif

/* Spans per parallel round: the partial moments live on the stack. */
#define FI_HIST_ROUND 64
/* Below two spans per thread a fork costs more than it saves (~2.5 cycles
 * per value, a region ~1-3 us). */
#define FI_HIST_MIN_PER_THREAD (double)(2 * FI_HIST_SPAN)

static void fi_hist_fold(fi_hist_summary *s, const fi_hist_summary *p) {
    for (int k = 0; k < 4; k++) {
        s->sum[k] += p->sum[k];
        s->sumsq[k] += p->sumsq[k];
    }
    s->zeros += p->zeros;
    s->low_tail += p->low_tail;
    s->high_tail += p->high_tail;
}

/* Rounds of up to FI_HIST_ROUND spans; in a round each pool part runs
 * whole spans into private counts (when the slots are few enough to keep
 * on the stack) and adds them to the total under a lock (integer sums: any
 * order gives the same counts); the spans' moments are then added to *s in
 * span order. */
typedef struct {
    const fi_hist_plan *P;
    const void *x;
    int64_t *counts, nslots;
    fi_hist_summary *parts;
    atomic_int lock;
} fi_hist_ctx;

#define FI_HIST_ENTRY(SFX, T, F, ABS)                                                            \
    FI_HIST_GENERIC_BLOCK(SFX, T, F, ABS)                                                        \
    FI_HIST_DEFINE_DRIVERS(fi_hist_##SFX##_generic, T, fi_hist_block_##SFX##_generic)            \
    static void fi_hist_run_##SFX(const fi_hist_plan *P, const T *x, size_t n, int64_t *counts,  \
                                  fi_hist_summary *parts) {                                      \
        FI_HIST_TRY_AVX2(SFX)                                                                    \
        (P->bins + FI_HIST_EXTRA <= FI_HIST_LOCAL_SLOTS ? fi_hist_##SFX##_generic_lanes          \
                                                        : fi_hist_##SFX##_generic_direct)(       \
            P, x, n, counts, parts);                                                             \
    }                                                                                            \
    static void fi_hist_range_##SFX(void *ctx, fi_index lo, fi_index hi) {                       \
        fi_hist_ctx *c = (fi_hist_ctx *)ctx;                                                     \
        int64_t own[FI_HIST_LOCAL_SLOTS];                                                        \
        memset(own, 0, (size_t)c->nslots * sizeof *own);                                         \
        fi_hist_run_##SFX(c->P, (const T *)c->x + lo, (size_t)(hi - lo), own,                    \
                          c->parts + lo / FI_HIST_SPAN);                                         \
        while (!fi_atomic_cas_int(&c->lock, 0, 1))                                               \
            ;                                                                                    \
        for (int64_t q = 0; q < c->nslots; q++)                                                  \
            c->counts[q] += own[q];                                                              \
        atomic_store(&c->lock, 0);                                                               \
    }                                                                                            \
    void fi_histogram_##SFX(const fi_hist_plan *P, const T *x, size_t n, int64_t *counts,        \
                            fi_hist_summary *s) {                                                \
        const int64_t nslots = P->bins + FI_HIST_EXTRA;                                          \
        for (size_t i = 0; i < n; i += (size_t)FI_HIST_ROUND * FI_HIST_SPAN) {                   \
            const size_t m = n - i < (size_t)FI_HIST_ROUND * FI_HIST_SPAN                        \
                                 ? n - i                                                         \
                                 : (size_t)FI_HIST_ROUND * FI_HIST_SPAN;                         \
            const size_t spans = (m + FI_HIST_SPAN - 1) / FI_HIST_SPAN;                          \
            fi_hist_summary parts[FI_HIST_ROUND];                                                \
            memset(parts, 0, spans * sizeof *parts);                                             \
            int nt = nslots <= FI_HIST_LOCAL_SLOTS                                               \
                         ? fi_threads_for((double)m, FI_HIST_MIN_PER_THREAD)                     \
                         : 1;                                                                    \
            if (nt > 1) {                                                                        \
                fi_hist_ctx c = {P, x + i, counts, nslots, parts, 0};                            \
                fi_pool_for(nt, (fi_index)m, FI_HIST_SPAN, fi_hist_range_##SFX, &c);             \
            } else                                                                               \
                fi_hist_run_##SFX(P, x + i, m, counts, parts);                                   \
            for (size_t j = 0; j < spans; j++)                                                   \
                fi_hist_fold(s, &parts[j]);                                                      \
        }                                                                                        \
    }

/* defines fi_histogram_f32, fi_histogram_f64, fi_hist_run_f32, fi_hist_run_f64,
 * fi_hist_block_f32_generic, fi_hist_block_f64_generic, fi_hist_f32_generic_lanes,
 * fi_hist_f32_generic_direct, fi_hist_f64_generic_lanes, fi_hist_f64_generic_direct */
FI_HIST_ENTRY(f32, float, _f, fabsf)
FI_HIST_ENTRY(f64, double, , fabs)
