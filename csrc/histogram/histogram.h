/* One-pass histogram and moments of a float array: the statistics behind
 * the study's activation histograms (fastinit.experiments). */
#ifndef FI_HISTOGRAM_H
#define FI_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

/* Slots of the counts array (length bins + FI_HIST_EXTRA). */
#define FI_HIST_EXTRA 4
/* counts[0]: below edges[0]; counts[1..bins]: the bins; counts[bins + 1]:
 * above edges[bins]; counts[bins + 2]: skipped zeros; counts[bins + 3]: NaN. */

/* Binning is np.histogram's: x goes to bin k when edges[k] <= x <
 * edges[k + 1], the last bin also takes x == edges[bins], and the
 * comparisons are exact (x and the edges compared as doubles; for float32
 * data np.histogram's edges are float32 values, which the caller passes).
 * The kernels estimate k from q = (x - qlo) * qscale, computed in the
 * data's precision, and fall back to a search of the edges only where q is
 * within qeps of an interior edge's integer (rare): see histogram.c. */
typedef struct {
    const double *edges; /* bins + 1 strictly increasing finite values */
    int64_t bins;
    int skip_zeros;      /* exact zeros go to counts[bins + 2] (ReLU's spike) */
    int fast_f32;        /* the estimate is safe in float arithmetic ... */
    int fast_f64;        /* ... in double (else every value is searched) */
    double lo, hi;       /* edges[0], edges[bins] */
    double low_cut, high_cut;
    double qlo, qscale, qeps;          /* the estimate in double (float64 data) */
    float qlo_f, qscale_f, qeps_f;     /* ... and in float (float32 data) */
    double qnear;                      /* frac(q) within qeps of 0 or 1 <=> */
    float qnear_f;                     /* |frac(q) - 1/2| >= qnear, rounded safe */
    float lo_f, hi_f;                  /* x < lo <=> x < lo_f for a float x */
    float low_cut_f, high_cut_f;       /* the cuts, likewise */
} fi_hist_plan;

typedef struct {
    int64_t zeros;      /* exact zeros */
    int64_t low_tail;   /* values < low_cut */
    int64_t high_tail;  /* values > high_cut */
    double sum[4];      /* element i adds to sum[i % 4] of its span: a fixed */
    double sumsq[4];    /* order, whatever the chunking and the threads */
} fi_hist_summary;

/* Fills *plan for `edges` (kept by pointer: it must outlive the plan).
 * Returns 0, or -1 when bins < 1 or the edges are not finite and strictly
 * increasing. */
int fi_hist_plan_init(fi_hist_plan *plan, const double *edges, int64_t bins, int skip_zeros,
                      double low_cut, double high_cut);

/* Adds every x[i] to counts (bins + FI_HIST_EXTRA slots) and *s (both
 * accumulate, so an array may come in consecutive chunks whose lengths are
 * multiples of FI_HIST_SPAN, histogram_isa.h).  Also counts exact zeros
 * and the values beyond the cuts.  Large arrays run on several threads:
 * each takes whole spans, whose moments are summed from zero and then
 * added in order, so the bits do not depend on the thread count. */
void fi_histogram_f32(const fi_hist_plan *plan, const float *x, size_t n, int64_t *counts,
                      fi_hist_summary *s);
void fi_histogram_f64(const fi_hist_plan *plan, const double *x, size_t n, int64_t *counts,
                      fi_hist_summary *s);

#endif
