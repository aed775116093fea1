/* AVX-512 random fills: the AVX2 kernels (distributions_avx2.c) at twice
 * the width, 16 Philox blocks per group, same bits as the generic path.
 *
 * One __m512i holds one counter word of 8 blocks in the low halves of its
 * 64-bit lanes (see distributions_avx2.c for why the high halves may hold
 * garbage).  Element order is restored with one two-source permutation per
 * output vector: both the 32-bit word packing and the pair interleave leave
 * 128-bit lane L holding blocks/pairs (2L | 2L+1) of two halves, and the
 * same 64-bit index vectors put them back in order. */
#include "fastinit.h"
#if FI_X86

#include <immintrin.h>

#include "distributions.h"
#include "vmath_log.h"

typedef struct {
    __m512i c0, c1, c2, c3;
} fi_px8_avx512;

typedef struct {
    __m512i k0[FI_PHILOX_ROUNDS], k1[FI_PHILOX_ROUNDS];
    __m512i s0, s1;
} fi_pkeys_avx512;

static inline void fi_pkeys_init_avx512(const fi_rng *g, fi_pkeys_avx512 *K) {
    uint32_t rk[FI_PHILOX_ROUNDS][2];
    fi_philox_round_keys(g->key, rk);
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        K->k0[r] = _mm512_set1_epi32((int)rk[r][0]);
        K->k1[r] = _mm512_set1_epi32((int)rk[r][1]);
    }
    K->s0 = _mm512_set1_epi64((long long)(uint32_t)g->stream);
    K->s1 = _mm512_set1_epi64((long long)(uint32_t)(g->stream >> 32));
}

#define FI_PHILOX_ROUND_AVX512(X, r)                                                          \
    do {                                                                                      \
        __m512i p0_ = _mm512_mul_epu32((X).c0, m0);                                           \
        __m512i p1_ = _mm512_mul_epu32((X).c2, m1);                                           \
        (X).c0 = _mm512_ternarylogic_epi32(_mm512_srli_epi64(p1_, 32), (X).c1, K->k0[r], 0x96); \
        (X).c1 = p1_;                                                                         \
        (X).c2 = _mm512_ternarylogic_epi32(_mm512_srli_epi64(p0_, 32), (X).c3, K->k1[r], 0x96); \
        (X).c3 = p0_;                                                                         \
    } while (0)

/* Blocks block + 8s .. block + 8s + 7 into X[s], s < FI_SETS_AVX512. */
#define FI_SETS_AVX512 (FI_GROUP_AVX512 / 8)
static inline void fi_philox_avx512(const fi_pkeys_avx512 *K, uint64_t block,
                                    fi_px8_avx512 X[FI_SETS_AVX512]) {
    const __m512i m0 = _mm512_set1_epi64(FI_PHILOX_M0);
    const __m512i m1 = _mm512_set1_epi64(FI_PHILOX_M1);
    __m512i base = _mm512_add_epi64(_mm512_set1_epi64((long long)block),
                                    _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));
    for (int j = 0; j < FI_SETS_AVX512; j++) {
        __m512i b = _mm512_add_epi64(base, _mm512_set1_epi64(8 * j));
        X[j].c0 = b;
        X[j].c1 = _mm512_srli_epi64(b, 32);
        X[j].c2 = K->s0;
        X[j].c3 = K->s1;
    }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 10
#endif
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 4
#endif
        for (int j = 0; j < FI_SETS_AVX512; j++)
            FI_PHILOX_ROUND_AVX512(X[j], r);
    }
}

/* Runs the body for each set S (const fi_px8_avx512 *, 8 blocks) of the
 * ngroups groups from `block` on, in block order, advancing out by STEP
 * after each set (as FI_FOR_EACH_SET_AVX2). */
#define FI_FOR_EACH_SET_AVX512(K, block, ngroups, S, out, STEP, ...)                           \
    for (fi_index i_ = 0; i_ < (ngroups); i_++, (block) += FI_GROUP_AVX512) {                 \
        fi_px8_avx512 X_[FI_SETS_AVX512];                                                     \
        fi_philox_avx512((K), (block), X_);                                                   \
        for (int j_ = 0; j_ < FI_SETS_AVX512; j_++, (out) += (STEP)) {                         \
            const fi_px8_avx512 *S = &X_[j_];                                                 \
            __VA_ARGS__;                                                                      \
        }                                                                                     \
    }

static inline __m512i fi_pack_lo_avx512(__m512i x, __m512i y) {
    return _mm512_mask_blend_epi32((__mmask16)0xAAAA, x, _mm512_slli_epi64(y, 32));
}

/* lo holds items (0 | 2 | 4 | 6) and hi (1 | 3 | 5 | 7), one 128-bit item
 * per lane: out0 = items 0-3, out1 = items 4-7. */
static inline void fi_unzip128_avx512(__m512i lo, __m512i hi, __m512i *out0, __m512i *out1) {
    const __m512i i0 = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
    const __m512i i1 = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
    *out0 = _mm512_permutex2var_epi64(lo, i0, hi);
    *out1 = _mm512_permutex2var_epi64(lo, i1, hi);
}

/* The 32 words of 8 blocks in block order: out0 = blocks 0-3, out1 = 4-7. */
static inline void fi_words32_avx512(const fi_px8_avx512 *X, __m512i *out0, __m512i *out1) {
    __m512i p01 = fi_pack_lo_avx512(X->c0, X->c1);
    __m512i p23 = fi_pack_lo_avx512(X->c2, X->c3);
    fi_unzip128_avx512(_mm512_unpacklo_epi64(p01, p23), _mm512_unpackhi_epi64(p01, p23), out0,
                       out1);
}

void fi_philox_words_avx512(const fi_rng *g, uint64_t block, fi_index ngroups, uint32_t *out) {
    fi_pkeys_avx512 K;
    fi_pkeys_init_avx512(g, &K);
    FI_FOR_EACH_SET_AVX512(&K, block, ngroups, S, out, 32, {
        __m512i w0, w1;
        fi_words32_avx512(S, &w0, &w1);
        _mm512_storeu_si512((void *)out, w0);
        _mm512_storeu_si512((void *)(out + 16), w1);
    });
}

/* ---- uniform ------------------------------------------------------------------------ */

static inline __m512 fi_uniform16_ps_avx512(__m512i w, __m512 low, __m512 span) {
    __m512 u = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32(w, 8)),
                             _mm512_set1_ps(0x1p-24f));
    return _mm512_add_ps(_mm512_mul_ps(u, span), low);
}

void fi_uniform_f32_avx512(const fi_rng *g, uint64_t block, fi_index ngroups, float low,
                           float span, float *out) {
    fi_pkeys_avx512 K;
    fi_pkeys_init_avx512(g, &K);
    const __m512 vlow = _mm512_set1_ps(low), vspan = _mm512_set1_ps(span);
    FI_FOR_EACH_SET_AVX512(&K, block, ngroups, S, out, 32, {
        __m512i w0, w1;
        fi_words32_avx512(S, &w0, &w1);
        _mm512_storeu_ps(out, fi_uniform16_ps_avx512(w0, vlow, vspan));
        _mm512_storeu_ps(out + 16, fi_uniform16_ps_avx512(w1, vlow, vspan));
    });
}

/* (x >> 6) * 2^27 + (y >> 5) from the low halves of the 64-bit lanes. */
static inline __m512d fi_u53_pd_avx512(__m512i x, __m512i y) {
    __m512d a = _mm512_cvtepu64_pd(_mm512_srli_epi64(_mm512_slli_epi64(x, 32), 38));
    __m512d b = _mm512_cvtepu64_pd(_mm512_srli_epi64(_mm512_slli_epi64(y, 32), 37));
    return _mm512_add_pd(_mm512_mul_pd(a, _mm512_set1_pd(134217728.0)), b);
}

/* Even elements e (lane = block) and odd o into element order. */
static inline void fi_zip_pd_avx512(__m512d e, __m512d o, __m512d *out0, __m512d *out1) {
    __m512i r0, r1;
    fi_unzip128_avx512(_mm512_castpd_si512(_mm512_unpacklo_pd(e, o)),
                       _mm512_castpd_si512(_mm512_unpackhi_pd(e, o)), &r0, &r1);
    *out0 = _mm512_castsi512_pd(r0);
    *out1 = _mm512_castsi512_pd(r1);
}

static inline void fi_uniform_pd8_avx512(const fi_px8_avx512 *X, __m512d low, __m512d span,
                                         double *out) {
    const __m512d scale = _mm512_set1_pd(0x1p-53);
    __m512d e = _mm512_mul_pd(fi_u53_pd_avx512(X->c0, X->c1), scale);
    __m512d o = _mm512_mul_pd(fi_u53_pd_avx512(X->c2, X->c3), scale);
    e = _mm512_add_pd(_mm512_mul_pd(e, span), low);
    o = _mm512_add_pd(_mm512_mul_pd(o, span), low);
    __m512d r0, r1;
    fi_zip_pd_avx512(e, o, &r0, &r1);
    _mm512_storeu_pd(out, r0);
    _mm512_storeu_pd(out + 8, r1);
}

void fi_uniform_f64_avx512(const fi_rng *g, uint64_t block, fi_index ngroups, double low,
                           double span, double *out) {
    fi_pkeys_avx512 K;
    fi_pkeys_init_avx512(g, &K);
    const __m512d vlow = _mm512_set1_pd(low), vspan = _mm512_set1_pd(span);
    FI_FOR_EACH_SET_AVX512(&K, block, ngroups, S, out, 16, {
        fi_uniform_pd8_avx512(S, vlow, vspan, out);
    });
}

/* ---- normal (Box-Muller) ----------------------------------------------------------- */

/* 16 pairs from 8 blocks (lane l = pair l). Writes 32 floats. */
static inline void fi_normal32_ps_avx512(const fi_px8_avx512 *X, __m512 mean, __m512 std,
                                         float *out) {
    __m512i wr = fi_pack_lo_avx512(X->c0, X->c2);
    __m512i wa = fi_pack_lo_avx512(X->c1, X->c3);
    __m512 u1 = _mm512_mul_ps(
        _mm512_cvtepi32_ps(_mm512_add_epi32(_mm512_srli_epi32(wr, 8), _mm512_set1_epi32(1))),
        _mm512_set1_ps(0x1p-24f));
    __m512 r = _mm512_sqrt_ps(_mm512_mul_ps(fi_log_ps_avx512(u1), _mm512_set1_ps(-2.0f)));
    __m512i k = _mm512_srli_epi32(wa, 8);
    __m512i qf = _mm512_srli_epi32(_mm512_add_epi32(k, _mm512_set1_epi32(1 << 21)), 22);
    __m512 t = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(k, _mm512_slli_epi32(qf, 22))),
                             _mm512_set1_ps(0x1p-22f));
    __m512 s, c;
    fi_sincos_ps_avx512(_mm512_mul_ps(t, _mm512_set1_ps(FI_PIO2F)), &s, &c);
    __m512i q = _mm512_and_si512(qf, _mm512_set1_epi32(3));
    __mmask16 swap = _mm512_test_epi32_mask(q, _mm512_set1_epi32(1));
    __m512 cc = _mm512_mask_blend_ps(swap, c, s);
    __m512 ss = _mm512_mask_blend_ps(swap, s, c);
    __m512i two = _mm512_set1_epi32(2);
    __m512i csign = _mm512_slli_epi32(
        _mm512_and_si512(_mm512_add_epi32(q, _mm512_set1_epi32(1)), two), 30);
    __m512i ssign = _mm512_slli_epi32(_mm512_and_si512(q, two), 30);
    cc = _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(cc), csign));
    ss = _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(ss), ssign));
    __m512 zc = _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(r, cc), std), mean);
    __m512 zs = _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(r, ss), std), mean);
    __m512i o0, o1;
    fi_unzip128_avx512(_mm512_castps_si512(_mm512_unpacklo_ps(zc, zs)),
                       _mm512_castps_si512(_mm512_unpackhi_ps(zc, zs)), &o0, &o1);
    _mm512_storeu_ps(out, _mm512_castsi512_ps(o0));
    _mm512_storeu_ps(out + 16, _mm512_castsi512_ps(o1));
}

void fi_normal_f32_avx512(const fi_rng *g, uint64_t block, fi_index ngroups, float mean,
                          float std, float *out) {
    fi_pkeys_avx512 K;
    fi_pkeys_init_avx512(g, &K);
    const __m512 vmean = _mm512_set1_ps(mean), vstd = _mm512_set1_ps(std);
    FI_FOR_EACH_SET_AVX512(&K, block, ngroups, S, out, 32, {
        fi_normal32_ps_avx512(S, vmean, vstd, out);
    });
}

/* 8 pairs from 8 blocks (lane = block = pair). Writes 16 doubles. */
static inline void fi_normal16_pd_avx512(const fi_px8_avx512 *X, __m512d mean, __m512d std,
                                         double *out) {
    __m512d u1 = _mm512_mul_pd(
        _mm512_add_pd(fi_u53_pd_avx512(X->c0, X->c1), _mm512_set1_pd(1.0)),
        _mm512_set1_pd(0x1p-53));
    __m512d r = _mm512_sqrt_pd(_mm512_mul_pd(fi_log_pd_avx512(u1), _mm512_set1_pd(-2.0)));
    __m512i a2 = _mm512_srli_epi64(_mm512_slli_epi64(X->c2, 32), 38);
    __m512i b2 = _mm512_srli_epi64(_mm512_slli_epi64(X->c3, 32), 37);
    __m512i qf = _mm512_srli_epi64(_mm512_add_epi64(a2, _mm512_set1_epi64(1 << 23)), 24);
    __m512d d = _mm512_sub_pd(_mm512_cvtepu64_pd(a2),
                              _mm512_mul_pd(_mm512_cvtepu64_pd(qf), _mm512_set1_pd(16777216.0)));
    __m512d t = _mm512_mul_pd(
        _mm512_add_pd(_mm512_mul_pd(d, _mm512_set1_pd(134217728.0)), _mm512_cvtepu64_pd(b2)),
        _mm512_set1_pd(0x1p-51));
    __m512d s, c;
    fi_sincos_pd_avx512(_mm512_mul_pd(t, _mm512_set1_pd(FI_PIO2)), &s, &c);
    __m512i q = _mm512_and_si512(qf, _mm512_set1_epi64(3));
    __mmask8 swap = _mm512_test_epi64_mask(q, _mm512_set1_epi64(1));
    __m512d cc = _mm512_mask_blend_pd(swap, c, s);
    __m512d ss = _mm512_mask_blend_pd(swap, s, c);
    __m512i two = _mm512_set1_epi64(2);
    __m512i csign = _mm512_slli_epi64(
        _mm512_and_si512(_mm512_add_epi64(q, _mm512_set1_epi64(1)), two), 62);
    __m512i ssign = _mm512_slli_epi64(_mm512_and_si512(q, two), 62);
    cc = _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(cc), csign));
    ss = _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(ss), ssign));
    __m512d zc = _mm512_add_pd(_mm512_mul_pd(_mm512_mul_pd(r, cc), std), mean);
    __m512d zs = _mm512_add_pd(_mm512_mul_pd(_mm512_mul_pd(r, ss), std), mean);
    __m512d r0, r1;
    fi_zip_pd_avx512(zc, zs, &r0, &r1);
    _mm512_storeu_pd(out, r0);
    _mm512_storeu_pd(out + 8, r1);
}

void fi_normal_f64_avx512(const fi_rng *g, uint64_t block, fi_index ngroups, double mean,
                          double std, double *out) {
    fi_pkeys_avx512 K;
    fi_pkeys_init_avx512(g, &K);
    const __m512d vmean = _mm512_set1_pd(mean), vstd = _mm512_set1_pd(std);
    FI_FOR_EACH_SET_AVX512(&K, block, ngroups, S, out, 16, {
        fi_normal16_pd_avx512(S, vmean, vstd, out);
    });
}

#endif /* FI_X86 */
