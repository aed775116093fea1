/* histogram_isa.h (internal): the contract between histogram.c (plan,
 * generic kernels, dispatch) and the vector kernels (histogram_avx2.c): the
 * block layout and the entries each SIMD set provides.
 *
 * Each call runs in blocks of FI_HIST_BLOCK values: a first pass computes
 * every value's slot (and the moments) into a small array, a second pass
 * counts the slots into private uint32 tables, value j in table
 * j % FI_HIST_LANES (histogram_avx2.c also counts pairs of values): runs
 * of values in one slot (ReLU's zeros, a saturated sigmoid's 0s and 1s,
 * most of a deep layer) then increment different memory words instead of
 * each increment waiting for the previous one's store to forward, which
 * made a plain `counts[b]++` loop cost ~5 ns per value. */
#ifndef FASTINIT_HISTOGRAM_ISA_H
#define FASTINIT_HISTOGRAM_ISA_H

#include "histogram/histogram.h"

#define FI_HIST_BLOCK 512
/* The moments are summed per span of this many values (a multiple of the
 * block), each span from zero, and the spans' sums are added in order:
 * threads take whole spans, so any thread count gives the same bits. */
#define FI_HIST_SPAN 8192
#define FI_HIST_LANES 8
#define FI_HIST_LOCAL_SLOTS 256            /* bins + EXTRA up to this use the tables */
#define FI_HIST_FLUSH ((size_t)1 << 30)     /* values between flushes: no uint32 wraps */

/* The AVX2 entries, with the drivers' arguments. */
void fi_histogram_f32_avx2(const fi_hist_plan *P, const float *x, size_t n, int64_t *counts,
                           fi_hist_summary *parts);
void fi_histogram_f64_avx2(const fi_hist_plan *P, const double *x, size_t n, int64_t *counts,
                           fi_hist_summary *parts);

#endif
