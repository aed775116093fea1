/* histogram_simd.h (internal): the pieces of the histogram kernels that
 * histogram.c (generic kernels) and histogram_avx2.c (vector kernels) share:
 * the exact slot of a value, the moments, the counting passes and the
 * per-block driver (FI_HIST_DEFINE_DRIVERS).  The block layout and each
 * set's entries: histogram_isa.h. */
#ifndef FASTINIT_HISTOGRAM_SIMD_H
#define FASTINIT_HISTOGRAM_SIMD_H

#include <string.h>

#include "histogram/histogram_isa.h"

/* The slot of v by comparison with the edges (np.histogram's rule): the
 * linear estimate is checked against its two edges and, where it is off,
 * replaced by a binary search. */
static inline int32_t fi_hist_exact_slot(const fi_hist_plan *P, double v) {
    const int64_t b = P->bins;
    if (v != v)
        return (int32_t)(b + 3);
    if (P->skip_zeros && v == 0.0)
        return (int32_t)(b + 2);
    if (v < P->lo)
        return 0;
    if (v > P->hi)
        return (int32_t)(b + 1);
    const double e = (v - P->lo) * (P->qscale);
    int64_t t = e < (double)b ? (int64_t)e : b - 1; /* e >= 0 here: v >= lo */
    const double *edges = P->edges;
    if (v < edges[t] || (t < b - 1 && v >= edges[t + 1])) {
        int64_t l = 0, h = b - 1; /* the last t with edges[t] <= v */
        while (l < h) {
            const int64_t mid = l + (h - l + 1) / 2;
            if (edges[mid] <= v)
                l = mid;
            else
                h = mid - 1;
        }
        t = l;
    }
    return (int32_t)(t + 1);
}

/* The moments of value j (of a block starting at a multiple of 4). */
#define FI_HIST_MOMENTS(s, j, v, P)                                                              \
    do {                                                                                         \
        (s)->sum[(j) & 3] += (v);                                                                \
        (s)->sumsq[(j) & 3] += (v) * (v);                                                        \
        (s)->zeros += (v) == 0.0;                                                                \
        (s)->low_tail += (v) < (P)->low_cut;                                                     \
        (s)->high_tail += (v) > (P)->high_cut;                                                   \
    } while (0)

/* The counting passes: COUNT(tab, nslots, slot, m, counts) adds m slots,
 * FLUSH(tab, nslots, counts) moves the tables into counts and clears them. */
static inline void fi_hist_count_lanes(uint32_t *tab, size_t nslots, const int32_t *slot,
                                       size_t m, int64_t *counts) {
    (void)counts;
    size_t j = 0;
    for (; j + FI_HIST_LANES <= m; j += FI_HIST_LANES)
        for (size_t k = 0; k < FI_HIST_LANES; k++)
            tab[k * nslots + (size_t)slot[j + k]]++;
    for (; j < m; j++)
        tab[(size_t)slot[j]]++;
}

static inline void fi_hist_flush_lanes(uint32_t *tab, size_t nslots, int64_t *counts) {
    for (size_t k = 0; k < FI_HIST_LANES; k++)
        for (size_t q = 0; q < nslots; q++)
            counts[q] += tab[k * nslots + q];
    memset(tab, 0, FI_HIST_LANES * nslots * sizeof *tab);
}

/* Too many slots for the tables on the stack: straight into counts. */
static inline void fi_hist_count_direct(uint32_t *tab, size_t nslots, const int32_t *slot,
                                        size_t m, int64_t *counts) {
    (void)tab, (void)nslots;
    for (size_t j = 0; j < m; j++)
        counts[slot[j]]++;
}

static inline void fi_hist_flush_direct(uint32_t *tab, size_t nslots, int64_t *counts) {
    (void)tab, (void)nslots, (void)counts;
}

/* NAME(plan, x, n, counts, parts): BLOCK_FN(plan, x, m, slot, part) per
 * block, the moments of values [j * FI_HIST_SPAN, (j + 1) * FI_HIST_SPAN)
 * going to parts[j], then COUNT; TAB_WORDS uint32 of tables on the stack. */
#define FI_HIST_DEFINE_DRIVER(NAME, T, BLOCK_FN, TAB_WORDS, COUNT, FLUSH)                        \
    static void NAME(const fi_hist_plan *P, const T *x, size_t n, int64_t *counts,               \
                     fi_hist_summary *parts) {                                                   \
        int32_t slot[FI_HIST_BLOCK];                                                             \
        uint32_t tab[TAB_WORDS];                                                                 \
        const size_t nslots = (size_t)P->bins + FI_HIST_EXTRA;                                   \
        size_t pending = 0;                                                                      \
        memset(tab, 0, sizeof tab);                                                              \
        for (size_t i = 0; i < n; i += FI_HIST_BLOCK) {                                          \
            const size_t m = n - i < FI_HIST_BLOCK ? n - i : FI_HIST_BLOCK;                      \
            BLOCK_FN(P, x + i, m, slot, parts + i / FI_HIST_SPAN);                               \
            COUNT(tab, nslots, slot, m, counts);                                                 \
            pending += m;                                                                        \
            if (pending >= FI_HIST_FLUSH) {                                                      \
                FLUSH(tab, nslots, counts);                                                      \
                pending = 0;                                                                     \
            }                                                                                    \
        }                                                                                        \
        FLUSH(tab, nslots, counts);                                                              \
    }

/* The lane tables when the slots fit, else straight counting. */
#define FI_HIST_DEFINE_DRIVERS(NAME, T, BLOCK_FN)                                                \
    FI_HIST_DEFINE_DRIVER(NAME##_lanes, T, BLOCK_FN, FI_HIST_LANES * FI_HIST_LOCAL_SLOTS,        \
                          fi_hist_count_lanes, fi_hist_flush_lanes)                              \
    FI_HIST_DEFINE_DRIVER(NAME##_direct, T, BLOCK_FN, 1, fi_hist_count_direct,                   \
                          fi_hist_flush_direct)

#endif
