/* Single-threaded on purpose: the study calls it on ~1e5 values (tens of
 * microseconds), and the sums stay in one fixed order for any thread
 * setting.  The slot of each value is chosen with selects rather than
 * branches (ReLU outputs are zero at random, half the time), and four
 * partial sums break the floating-point add chain. */
#include "histogram.h"


#define FI_HIST_STEP(T, k)                                                                       \
    do {                                                                                         \
        const double v = (double)x[i + (k)];                                                     \
        sum[k] += v;                                                                             \
        sumsq[k] += v * v;                                                                       \
        zeros += (v == 0.0);                                                                     \
        low += (v < low_cut);                                                                    \
        high += (v > high_cut);                                                                  \
        const double p = (v - lo) * scale;                                                       \
        double c = p >= -1.0 ? p : -1.0; /* NaN -> -1: the cast below stays defined */          \
        c = c <= top ? c : top;                                                                  \
        int64_t b = (int64_t)(c + 1.0);                                                          \
        b = b > bins ? bins : b;                                                                 \
        b = p > top ? bins + 1 : b;                                                              \
        b = p != p ? bins + 3 : b;                                                               \
        b = (skip_zeros & (v == 0.0)) ? bins + 2 : b;                                            \
        counts[b]++;                                                                             \
    } while (0)

#define FI_HISTOGRAM_BODY(T)                                                                     \
    const double scale = (double)bins / (hi - lo);                                               \
    const double top = (double)bins;                                                             \
    int64_t zeros = s->zeros, low = s->low_tail, high = s->high_tail;                            \
    double sum[4], sumsq[4];                                                                     \
    for (int k = 0; k < 4; k++) {                                                                \
        sum[k] = s->sum[k];                                                                      \
        sumsq[k] = s->sumsq[k];                                                                  \
    }                                                                                            \
    size_t i = 0;                                                                                \
    for (; i + 4 <= n; i += 4) {                                                                 \
        FI_HIST_STEP(T, 0);                                                                      \
        FI_HIST_STEP(T, 1);                                                                      \
        FI_HIST_STEP(T, 2);                                                                      \
        FI_HIST_STEP(T, 3);                                                                      \
    }                                                                                            \
    for (size_t k = 0; i + k < n; k++) /* the last n % 4 values */                             \
        FI_HIST_STEP(T, k);                                                                      \
    s->zeros = zeros;                                                                            \
    s->low_tail = low;                                                                           \
    s->high_tail = high;                                                                         \
    for (int k = 0; k < 4; k++) {                                                                \
        s->sum[k] = sum[k];                                                                      \
        s->sumsq[k] = sumsq[k];                                                                  \
    }

void fi_histogram_f32(const float *x, size_t n, double lo, double hi, int64_t bins,
                      int skip_zeros, double low_cut, double high_cut, int64_t *counts,
                      fi_hist_summary *s) {
    FI_HISTOGRAM_BODY(float)
}

void fi_histogram_f64(const double *x, size_t n, double lo, double hi, int64_t bins,
                      int skip_zeros, double low_cut, double high_cut, int64_t *counts,
                      fi_hist_summary *s) {
    FI_HISTOGRAM_BODY(double)
}
