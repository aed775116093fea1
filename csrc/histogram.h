/* One-pass histogram and moments of a float array: the statistics behind
 * the study's activation histograms (fastinit.experiments). */
#ifndef FI_HISTOGRAM_H
#define FI_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

/* Slots of the counts array (length bins + FI_HIST_EXTRA). */
#define FI_HIST_EXTRA 4
/* counts[0]: below lo; counts[1..bins]: the bins; counts[bins + 1]: above
 * hi; counts[bins + 2]: skipped zeros; counts[bins + 3]: NaN. */

typedef struct {
    int64_t zeros;      /* exact zeros */
    int64_t low_tail;   /* values < low_cut */
    int64_t high_tail;  /* values > high_cut */
    double sum[4];      /* element i adds to sum[i % 4]: a fixed order, so */
    double sumsq[4];    /* any chunking (in multiples of 4) gives the same bits */
} fi_hist_summary;

/* Adds every x[i] to counts and *s (both accumulate, so an array may come
 * in consecutive chunks whose lengths are multiples of 4).  With
 * p = (x - lo) * (bins / (hi - lo)) in double, x goes to bin
 * floor(min(p, bins) + 1) - 1 when 0 <= p <= bins (x == hi lands in the last
 * bin), below when p < 0, above when p > bins.  skip_zeros: exact zeros go
 * to their own slot instead (ReLU's spike at 0). */
void fi_histogram_f32(const float *x, size_t n, double lo, double hi, int64_t bins,
                      int skip_zeros, double low_cut, double high_cut, int64_t *counts,
                      fi_hist_summary *s);
void fi_histogram_f64(const double *x, size_t n, double lo, double hi, int64_t bins,
                      int skip_zeros, double low_cut, double high_cut, int64_t *counts,
                      fi_hist_summary *s);

#endif
