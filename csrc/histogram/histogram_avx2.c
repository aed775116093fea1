/* Histogram kernels for AVX2 (compiled with -mavx2 -mfma): the slot pass
 * of histogram_simd.h, eight floats or four doubles a step.  The slot
 * comes from the estimate q (histogram.c) with exact comparisons for the
 * values below, above, NaN and skipped zeros; lanes whose q lies within
 * qeps of an interior edge go to the exact search (a rare branch). */
#include "core/fastinit.h"
#if FI_X86
#include <immintrin.h>

#include "histogram/histogram_simd.h"

/* The remainder of a block (fewer than one vector), value by value. */
#define FI_HIST_TAIL(x, j0, m, slot, s, P)                                                       \
    for (size_t t_ = (j0); t_ < (m); t_++) {                                                     \
        const double v = (double)(x)[t_];                                                        \
        FI_HIST_MOMENTS(s, t_, v, P);                                                            \
        (slot)[t_] = fi_hist_exact_slot(P, v);                                                   \
    }

static int64_t fi_hist_hsum_epi32(__m256i v) {
    int32_t a[8];
    _mm256_storeu_si256((__m256i *)a, v);
    return (int64_t)a[0] + a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7];
}

static int64_t fi_hist_hsum_epi64(__m256i v) {
    int64_t a[4];
    _mm256_storeu_si256((__m256i *)a, v);
    return a[0] + a[1] + a[2] + a[3];
}

/* Blocks start at a multiple of 4, so lane k of the sum vectors is
 * s->sum[k] and the order of every addition is the generic kernel's. */
FI_INLINE void fi_hist_block_f32_avx2(const fi_hist_plan *P, const float *x, size_t m,
                                      int32_t *slot, fi_hist_summary *s, const int SKIP) {
    const __m256 qlo = _mm256_set1_ps(P->qlo_f), qscale = _mm256_set1_ps(P->qscale_f);
    const __m256 lowest = _mm256_set1_ps(1.5f), highest = _mm256_set1_ps((float)P->bins + 0.5f);
    const __m256 half = _mm256_set1_ps(0.5f), edge = _mm256_set1_ps(P->qnear_f);
    const __m256 lo = _mm256_set1_ps(P->lo_f), hi = _mm256_set1_ps(P->hi_f);
    const __m256 lcut = _mm256_set1_ps(P->low_cut_f), hcut = _mm256_set1_ps(P->high_cut_f);
    const __m256 zero = _mm256_setzero_ps();
    const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    const __m256i below = _mm256_setzero_si256();
    const __m256i above = _mm256_set1_epi32((int32_t)P->bins + 1);
    const __m256i zslot = _mm256_set1_epi32((int32_t)P->bins + 2);
    const __m256i nanslot = _mm256_set1_epi32((int32_t)P->bins + 3);
    __m256d sum = _mm256_loadu_pd(s->sum), sq = _mm256_loadu_pd(s->sumsq);
    __m256i nz = _mm256_setzero_si256(), nlow = nz, nhigh = nz;
    size_t j = 0;
    for (; j + 8 <= m; j += 8) {
        const __m256 v = _mm256_loadu_ps(x + j);
        const __m256d v0 = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
        const __m256d v1 = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
        sum = _mm256_add_pd(_mm256_add_pd(sum, v0), v1);
        sq = _mm256_add_pd(_mm256_add_pd(sq, _mm256_mul_pd(v0, v0)), _mm256_mul_pd(v1, v1));
        const __m256 isz = _mm256_cmp_ps(v, zero, _CMP_EQ_OQ);
        nz = _mm256_sub_epi32(nz, _mm256_castps_si256(isz));
        nlow = _mm256_sub_epi32(nlow, _mm256_castps_si256(_mm256_cmp_ps(v, lcut, _CMP_LT_OQ)));
        nhigh = _mm256_sub_epi32(nhigh, _mm256_castps_si256(_mm256_cmp_ps(v, hcut, _CMP_GT_OQ)));

        const __m256 q = _mm256_mul_ps(_mm256_sub_ps(v, qlo), qscale);
        /* Clamped to [1.5, bins + 0.5] the integer part is the slot and the
         * ends are half a bin from any integer; max() turns a NaN q into
         * 1.5 (those lanes are overwritten below). */
        const __m256 qc = _mm256_min_ps(_mm256_max_ps(q, lowest), highest);
        const __m256 qt = _mm256_round_ps(qc, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
        __m256i sl = _mm256_cvttps_epi32(qt);
        sl = _mm256_blendv_epi8(sl, below, _mm256_castps_si256(_mm256_cmp_ps(v, lo, _CMP_LT_OQ)));
        sl = _mm256_blendv_epi8(sl, above, _mm256_castps_si256(_mm256_cmp_ps(v, hi, _CMP_GT_OQ)));
        const __m256 isnan = _mm256_cmp_ps(v, v, _CMP_UNORD_Q);
        sl = _mm256_blendv_epi8(sl, nanslot, _mm256_castps_si256(isnan));
        if (SKIP)
            sl = _mm256_blendv_epi8(sl, zslot, _mm256_castps_si256(isz));
        _mm256_storeu_si256((__m256i *)(slot + j), sl);

        /* |frac - 1/2| >= 1/2 - qeps: within qeps of an interior integer */
        const __m256 off = _mm256_and_ps(_mm256_sub_ps(_mm256_sub_ps(qc, qt), half), absmask);
        const int near = _mm256_movemask_ps(_mm256_cmp_ps(off, edge, _CMP_GE_OQ));
        if (__builtin_expect(near != 0, 0))
            for (int k = 0; k < 8; k++)
                if (near >> k & 1)
                    slot[j + k] = fi_hist_exact_slot(P, (double)x[j + k]);
    }
    _mm256_storeu_pd(s->sum, sum);
    _mm256_storeu_pd(s->sumsq, sq);
    s->zeros += fi_hist_hsum_epi32(nz); /* at most FI_HIST_BLOCK per lane: no overflow */
    s->low_tail += fi_hist_hsum_epi32(nlow);
    s->high_tail += fi_hist_hsum_epi32(nhigh);
    FI_HIST_TAIL(x, j, m, slot, s, P)
}

FI_INLINE void fi_hist_block_f64_avx2(const fi_hist_plan *P, const double *x, size_t m,
                                      int32_t *slot, fi_hist_summary *s, const int SKIP) {
    const __m256d qlo = _mm256_set1_pd(P->qlo), qscale = _mm256_set1_pd(P->qscale);
    const __m256d lowest = _mm256_set1_pd(1.5), highest = _mm256_set1_pd((double)P->bins + 0.5);
    const __m256d half = _mm256_set1_pd(0.5), edge = _mm256_set1_pd(P->qnear);
    const __m256d lo = _mm256_set1_pd(P->lo), hi = _mm256_set1_pd(P->hi);
    const __m256d lcut = _mm256_set1_pd(P->low_cut), hcut = _mm256_set1_pd(P->high_cut);
    const __m256d zero = _mm256_setzero_pd();
    const __m256d absmask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    const __m256d above = _mm256_set1_pd((double)P->bins + 1.0);
    const __m256d zslot = _mm256_set1_pd((double)P->bins + 2.0);
    const __m256d nanslot = _mm256_set1_pd((double)P->bins + 3.0);
    __m256d sum = _mm256_loadu_pd(s->sum), sq = _mm256_loadu_pd(s->sumsq);
    __m256i nz = _mm256_setzero_si256(), nlow = nz, nhigh = nz;
    size_t j = 0;
    for (; j + 4 <= m; j += 4) {
        const __m256d v = _mm256_loadu_pd(x + j);
        sum = _mm256_add_pd(sum, v);
        sq = _mm256_add_pd(sq, _mm256_mul_pd(v, v));
        const __m256d isz = _mm256_cmp_pd(v, zero, _CMP_EQ_OQ);
        nz = _mm256_sub_epi64(nz, _mm256_castpd_si256(isz));
        nlow = _mm256_sub_epi64(nlow, _mm256_castpd_si256(_mm256_cmp_pd(v, lcut, _CMP_LT_OQ)));
        nhigh = _mm256_sub_epi64(nhigh, _mm256_castpd_si256(_mm256_cmp_pd(v, hcut, _CMP_GT_OQ)));

        const __m256d q = _mm256_mul_pd(_mm256_sub_pd(v, qlo), qscale);
        const __m256d qc = _mm256_min_pd(_mm256_max_pd(q, lowest), highest); /* as for float */
        const __m256d qt = _mm256_round_pd(qc, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
        __m256d sl = qt; /* slots as exact doubles */
        sl = _mm256_blendv_pd(sl, zero, _mm256_cmp_pd(v, lo, _CMP_LT_OQ));
        sl = _mm256_blendv_pd(sl, above, _mm256_cmp_pd(v, hi, _CMP_GT_OQ));
        sl = _mm256_blendv_pd(sl, nanslot, _mm256_cmp_pd(v, v, _CMP_UNORD_Q));
        if (SKIP)
            sl = _mm256_blendv_pd(sl, zslot, isz);
        _mm_storeu_si128((__m128i *)(slot + j), _mm256_cvttpd_epi32(sl));

        const __m256d off = _mm256_and_pd(_mm256_sub_pd(_mm256_sub_pd(qc, qt), half), absmask);
        const int near = _mm256_movemask_pd(_mm256_cmp_pd(off, edge, _CMP_GE_OQ));
        if (__builtin_expect(near != 0, 0))
            for (int k = 0; k < 4; k++)
                if (near >> k & 1)
                    slot[j + k] = fi_hist_exact_slot(P, x[j + k]);
    }
    _mm256_storeu_pd(s->sum, sum);
    _mm256_storeu_pd(s->sumsq, sq);
    s->zeros += fi_hist_hsum_epi64(nz);
    s->low_tail += fi_hist_hsum_epi64(nlow);
    s->high_tail += fi_hist_hsum_epi64(nhigh);
    FI_HIST_TAIL(x, j, m, slot, s, P)
}

/* Pairs of values counted as one: the slots (a, b) of values 2i, 2i + 1
 * increment pairs[a * nslots + b], which halves the increments (without
 * it the counting pass costs about as much as the slot pass).  Unpacked
 * at the flush, which is cheap while nslots^2 is small. */
#define FI_HIST_PAIR_SLOTS 40
#define FI_HIST_PAIR_LANES 4

static void fi_hist_count_pairs(uint32_t *tab, size_t nslots, const int32_t *slot, size_t m,
                                int64_t *counts) {
    const size_t stride = nslots * nslots;
    const __m256i ns = _mm256_set1_epi64x((long long)nslots);
    size_t j = 0;
    for (; j + 8 <= m; j += 8) {
        const __m256i sl = _mm256_loadu_si256((const __m256i *)(slot + j));
        /* even lanes (the low halves of the 64-bit lanes) * nslots + odd lanes */
        const __m256i pr = _mm256_add_epi64(_mm256_mul_epu32(sl, ns), _mm256_srli_epi64(sl, 32));
        int64_t idx[4];
        _mm256_storeu_si256((__m256i *)idx, pr);
        tab[idx[0]]++;
        tab[stride + (size_t)idx[1]]++;
        tab[2 * stride + (size_t)idx[2]]++;
        tab[3 * stride + (size_t)idx[3]]++;
    }
    for (; j < m; j++) /* the call's last few values */
        counts[slot[j]]++;
}

static void fi_hist_flush_pairs(uint32_t *tab, size_t nslots, int64_t *counts) {
    const size_t stride = nslots * nslots;
    for (size_t a = 0; a < nslots; a++)
        for (size_t b = 0; b < nslots; b++) {
            const size_t i = a * nslots + b;
            const int64_t c = (int64_t)tab[i] + tab[stride + i] + tab[2 * stride + i] +
                              tab[3 * stride + i];
            counts[a] += c;
            counts[b] += c;
        }
    memset(tab, 0, FI_HIST_PAIR_LANES * stride * sizeof *tab);
}

/* One instance per skip_zeros setting (the zero test leaves the loop) and
 * per counting pass. */
#define FI_HIST_AVX2_ENTRY(SFX, T)                                                               \
    static void fi_hist_block_##SFX##_skip(const fi_hist_plan *P, const T *x, size_t m,          \
                                           int32_t *slot, fi_hist_summary *s) {                  \
        fi_hist_block_##SFX##_avx2(P, x, m, slot, s, 1);                                         \
    }                                                                                            \
    static void fi_hist_block_##SFX##_keep(const fi_hist_plan *P, const T *x, size_t m,          \
                                           int32_t *slot, fi_hist_summary *s) {                  \
        fi_hist_block_##SFX##_avx2(P, x, m, slot, s, 0);                                         \
    }                                                                                            \
    FI_HIST_DEFINE_DRIVERS(fi_hist_##SFX##_skip, T, fi_hist_block_##SFX##_skip)                  \
    FI_HIST_DEFINE_DRIVERS(fi_hist_##SFX##_keep, T, fi_hist_block_##SFX##_keep)                  \
    FI_HIST_DEFINE_DRIVER(fi_hist_##SFX##_skip_pairs, T, fi_hist_block_##SFX##_skip,             \
                          FI_HIST_PAIR_LANES * FI_HIST_PAIR_SLOTS * FI_HIST_PAIR_SLOTS,          \
                          fi_hist_count_pairs, fi_hist_flush_pairs)                              \
    FI_HIST_DEFINE_DRIVER(fi_hist_##SFX##_keep_pairs, T, fi_hist_block_##SFX##_keep,             \
                          FI_HIST_PAIR_LANES * FI_HIST_PAIR_SLOTS * FI_HIST_PAIR_SLOTS,          \
                          fi_hist_count_pairs, fi_hist_flush_pairs)                              \
    void fi_histogram_##SFX##_avx2(const fi_hist_plan *P, const T *x, size_t n,                  \
                                   int64_t *counts, fi_hist_summary *parts) {                    \
        const int64_t nslots = P->bins + FI_HIST_EXTRA;                                          \
        if (nslots <= FI_HIST_PAIR_SLOTS)                                                        \
            (P->skip_zeros ? fi_hist_##SFX##_skip_pairs : fi_hist_##SFX##_keep_pairs)(           \
                P, x, n, counts, parts);                                                         \
        else if (nslots <= FI_HIST_LOCAL_SLOTS)                                                  \
            (P->skip_zeros ? fi_hist_##SFX##_skip_lanes : fi_hist_##SFX##_keep_lanes)(           \
                P, x, n, counts, parts);                                                         \
        else                                                                                     \
            (P->skip_zeros ? fi_hist_##SFX##_skip_direct : fi_hist_##SFX##_keep_direct)(         \
                P, x, n, counts, parts);                                                         \
    }

/* defines fi_histogram_f32_avx2, fi_histogram_f64_avx2, fi_hist_block_f32_skip,
 * fi_hist_block_f32_keep, fi_hist_block_f64_skip, fi_hist_block_f64_keep,
 * fi_hist_f32_skip_lanes, fi_hist_f32_skip_direct, fi_hist_f32_skip_pairs,
 * fi_hist_f32_keep_lanes, fi_hist_f32_keep_direct, fi_hist_f32_keep_pairs,
 * fi_hist_f64_skip_lanes, fi_hist_f64_skip_direct, fi_hist_f64_skip_pairs,
 * fi_hist_f64_keep_lanes, fi_hist_f64_keep_direct, fi_hist_f64_keep_pairs */
FI_HIST_AVX2_ENTRY(f32, float)
FI_HIST_AVX2_ENTRY(f64, double)

#endif
