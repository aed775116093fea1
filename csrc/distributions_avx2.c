/* AVX2 random fills: Philox4x32-10 on 8 blocks at a time and the uniform /
 * Box-Muller transforms, bit-identical to the generic path (see
 * distributions.h for the element -> word map, vmath_log.h for why no FMA).
 *
 * Philox layout: one __m256i holds one counter word of 4 blocks in the low
 * halves of its 64-bit lanes.  _mm256_mul_epu32 then yields the full 32x32
 * -> 64-bit products of Philox's two multiplications directly (low half =
 * lo, high half = hi), and the garbage left in the high halves is never
 * read: it only flows into the next multiplication's ignored half or into
 * XORs whose high halves are ignored too. */
#include "fastinit.h"
#if FI_X86

#include <immintrin.h>

#include "distributions.h"
#include "vmath_log.h"

typedef struct {
    __m256i c0, c1, c2, c3;
} fi_px4_avx2;

typedef struct {
    __m256i k0[FI_PHILOX_ROUNDS], k1[FI_PHILOX_ROUNDS];
    __m256i s0, s1; /* stream words */
} fi_pkeys_avx2;

static inline void fi_pkeys_init_avx2(const fi_rng *g, fi_pkeys_avx2 *K) {
    uint32_t rk[FI_PHILOX_ROUNDS][2];
    fi_philox_round_keys(g->key, rk);
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        K->k0[r] = _mm256_set1_epi32((int)rk[r][0]);
        K->k1[r] = _mm256_set1_epi32((int)rk[r][1]);
    }
    K->s0 = _mm256_set1_epi64x((long long)(uint32_t)g->stream);
    K->s1 = _mm256_set1_epi64x((long long)(uint32_t)(g->stream >> 32));
}

#define FI_PHILOX_ROUND_AVX2(X, r)                                                            \
    do {                                                                                      \
        __m256i p0_ = _mm256_mul_epu32((X).c0, m0);                                           \
        __m256i p1_ = _mm256_mul_epu32((X).c2, m1);                                           \
        (X).c0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1_, 32), (X).c1),       \
                                  K->k0[r]);                                                  \
        (X).c1 = p1_;                                                                         \
        (X).c2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0_, 32), (X).c3),       \
                                  K->k1[r]);                                                  \
        (X).c3 = p0_;                                                                         \
    } while (0)

/* Blocks block..block+3 into A and block+4..block+7 into B. */
static inline void fi_philox8_avx2(const fi_pkeys_avx2 *K, uint64_t block, fi_px4_avx2 *A,
                                   fi_px4_avx2 *B) {
    const __m256i m0 = _mm256_set1_epi64x(FI_PHILOX_M0);
    const __m256i m1 = _mm256_set1_epi64x(FI_PHILOX_M1);
    __m256i base = _mm256_set1_epi64x((long long)block);
    __m256i ba = _mm256_add_epi64(base, _mm256_setr_epi64x(0, 1, 2, 3));
    __m256i bb = _mm256_add_epi64(base, _mm256_setr_epi64x(4, 5, 6, 7));
    fi_px4_avx2 a = {ba, _mm256_srli_epi64(ba, 32), K->s0, K->s1};
    fi_px4_avx2 b = {bb, _mm256_srli_epi64(bb, 32), K->s0, K->s1};
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        FI_PHILOX_ROUND_AVX2(a, r);
        FI_PHILOX_ROUND_AVX2(b, r);
    }
    *A = a;
    *B = b;
}

/* Pack the low halves of x (even 32-bit slots) and y (into odd slots). */
static inline __m256i fi_pack_lo_avx2(__m256i x, __m256i y) {
    return _mm256_blend_epi32(x, _mm256_slli_epi64(y, 32), 0xAA);
}

/* The 16 words of 4 blocks in block order: out0 = blocks 0-1, out1 = 2-3. */
static inline void fi_words16_avx2(const fi_px4_avx2 *X, __m256i *out0, __m256i *out1) {
    __m256i p01 = fi_pack_lo_avx2(X->c0, X->c1);
    __m256i p23 = fi_pack_lo_avx2(X->c2, X->c3);
    __m256i lo = _mm256_unpacklo_epi64(p01, p23); /* blocks 0 | 2 */
    __m256i hi = _mm256_unpackhi_epi64(p01, p23); /* blocks 1 | 3 */
    *out0 = _mm256_permute2x128_si256(lo, hi, 0x20);
    *out1 = _mm256_permute2x128_si256(lo, hi, 0x31);
}

void fi_philox_words_avx2(const fi_rng *g, uint64_t block, fi_index ngroups, uint32_t *out) {
    fi_pkeys_avx2 K;
    fi_pkeys_init_avx2(g, &K);
    for (fi_index i = 0; i < ngroups; i++, block += 8, out += 32) {
        fi_px4_avx2 A, B;
        __m256i w0, w1, w2, w3;
        fi_philox8_avx2(&K, block, &A, &B);
        fi_words16_avx2(&A, &w0, &w1);
        fi_words16_avx2(&B, &w2, &w3);
        _mm256_storeu_si256((__m256i *)out, w0);
        _mm256_storeu_si256((__m256i *)(out + 8), w1);
        _mm256_storeu_si256((__m256i *)(out + 16), w2);
        _mm256_storeu_si256((__m256i *)(out + 24), w3);
    }
}

/* ---- uniform ------------------------------------------------------------------------ */

static inline __m256 fi_uniform8_ps_avx2(__m256i w, __m256 low, __m256 span) {
    __m256 u = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(w, 8)),
                             _mm256_set1_ps(0x1p-24f));
    return _mm256_add_ps(_mm256_mul_ps(u, span), low);
}

void fi_uniform_f32_avx2(const fi_rng *g, uint64_t block, fi_index ngroups, float low,
                         float span, float *out) {
    fi_pkeys_avx2 K;
    fi_pkeys_init_avx2(g, &K);
    const __m256 vlow = _mm256_set1_ps(low), vspan = _mm256_set1_ps(span);
    for (fi_index i = 0; i < ngroups; i++, block += 8, out += 32) {
        fi_px4_avx2 A, B;
        __m256i w0, w1, w2, w3;
        fi_philox8_avx2(&K, block, &A, &B);
        fi_words16_avx2(&A, &w0, &w1);
        fi_words16_avx2(&B, &w2, &w3);
        _mm256_storeu_ps(out, fi_uniform8_ps_avx2(w0, vlow, vspan));
        _mm256_storeu_ps(out + 8, fi_uniform8_ps_avx2(w1, vlow, vspan));
        _mm256_storeu_ps(out + 16, fi_uniform8_ps_avx2(w2, vlow, vspan));
        _mm256_storeu_ps(out + 24, fi_uniform8_ps_avx2(w3, vlow, vspan));
    }
}

/* The exact integer (x >> 6) * 2^27 + (y >> 5) from the low halves of the
 * 64-bit lanes of x and y, as doubles. */
static inline __m256d fi_u53_pd_avx2(__m256i x, __m256i y) {
    __m256d a = fi_u52_to_pd_avx2(_mm256_srli_epi64(_mm256_slli_epi64(x, 32), 38));
    __m256d b = fi_u52_to_pd_avx2(_mm256_srli_epi64(_mm256_slli_epi64(y, 32), 37));
    return _mm256_add_pd(_mm256_mul_pd(a, _mm256_set1_pd(134217728.0)), b);
}

/* Interleave even elements e (lanes = blocks) and odd elements o into
 * element order: out0 = e0 o0 e1 o1, out1 = e2 o2 e3 o3. */
static inline void fi_zip_pd_avx2(__m256d e, __m256d o, __m256d *out0, __m256d *out1) {
    __m256d lo = _mm256_unpacklo_pd(e, o);
    __m256d hi = _mm256_unpackhi_pd(e, o);
    *out0 = _mm256_permute2f128_pd(lo, hi, 0x20);
    *out1 = _mm256_permute2f128_pd(lo, hi, 0x31);
}

static inline void fi_uniform_pd4_avx2(const fi_px4_avx2 *X, __m256d low, __m256d span,
                                       double *out) {
    const __m256d scale = _mm256_set1_pd(0x1p-53);
    __m256d e = _mm256_mul_pd(fi_u53_pd_avx2(X->c0, X->c1), scale);
    __m256d o = _mm256_mul_pd(fi_u53_pd_avx2(X->c2, X->c3), scale);
    e = _mm256_add_pd(_mm256_mul_pd(e, span), low);
    o = _mm256_add_pd(_mm256_mul_pd(o, span), low);
    __m256d r0, r1;
    fi_zip_pd_avx2(e, o, &r0, &r1);
    _mm256_storeu_pd(out, r0);
    _mm256_storeu_pd(out + 4, r1);
}

void fi_uniform_f64_avx2(const fi_rng *g, uint64_t block, fi_index ngroups, double low,
                         double span, double *out) {
    fi_pkeys_avx2 K;
    fi_pkeys_init_avx2(g, &K);
    const __m256d vlow = _mm256_set1_pd(low), vspan = _mm256_set1_pd(span);
    for (fi_index i = 0; i < ngroups; i++, block += 8, out += 16) {
        fi_px4_avx2 A, B;
        fi_philox8_avx2(&K, block, &A, &B);
        fi_uniform_pd4_avx2(&A, vlow, vspan, out);
        fi_uniform_pd4_avx2(&B, vlow, vspan, out + 8);
    }
}

/* ---- normal (Box-Muller) ----------------------------------------------------------- */

/* 8 pairs from 4 blocks: radius words w0, w2 and angle words w1, w3; lane l
 * is pair l (block l/2, words 2(l%2), 2(l%2)+1). Writes 16 floats. */
static inline void fi_normal16_ps_avx2(const fi_px4_avx2 *X, __m256 mean, __m256 std,
                                       float *out) {
    __m256i wr = fi_pack_lo_avx2(X->c0, X->c2);
    __m256i wa = fi_pack_lo_avx2(X->c1, X->c3);
    __m256 u1 = _mm256_mul_ps(
        _mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_srli_epi32(wr, 8), _mm256_set1_epi32(1))),
        _mm256_set1_ps(0x1p-24f));
    __m256 r = _mm256_sqrt_ps(_mm256_mul_ps(fi_log_ps_avx2(u1), _mm256_set1_ps(-2.0f)));
    __m256i k = _mm256_srli_epi32(wa, 8);
    __m256i qf = _mm256_srli_epi32(_mm256_add_epi32(k, _mm256_set1_epi32(1 << 21)), 22);
    __m256 t = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(k, _mm256_slli_epi32(qf, 22))),
                             _mm256_set1_ps(0x1p-22f));
    __m256 s, c;
    fi_sincos_ps_avx2(_mm256_mul_ps(t, _mm256_set1_ps(FI_PIO2F)), &s, &c);
    __m256i q = _mm256_and_si256(qf, _mm256_set1_epi32(3));
    __m256 swap = _mm256_castsi256_ps(
        _mm256_cmpeq_epi32(_mm256_and_si256(q, _mm256_set1_epi32(1)), _mm256_set1_epi32(1)));
    __m256 cc = _mm256_blendv_ps(c, s, swap);
    __m256 ss = _mm256_blendv_ps(s, c, swap);
    __m256i two = _mm256_set1_epi32(2);
    cc = _mm256_xor_ps(cc, _mm256_castsi256_ps(_mm256_slli_epi32(
                               _mm256_and_si256(_mm256_add_epi32(q, _mm256_set1_epi32(1)), two), 30)));
    ss = _mm256_xor_ps(ss, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(q, two), 30)));
    __m256 zc = _mm256_add_ps(_mm256_mul_ps(_mm256_mul_ps(r, cc), std), mean);
    __m256 zs = _mm256_add_ps(_mm256_mul_ps(_mm256_mul_ps(r, ss), std), mean);
    __m256 lo = _mm256_unpacklo_ps(zc, zs); /* pairs 0 1 | 4 5 */
    __m256 hi = _mm256_unpackhi_ps(zc, zs); /* pairs 2 3 | 6 7 */
    _mm256_storeu_ps(out, _mm256_permute2f128_ps(lo, hi, 0x20));
    _mm256_storeu_ps(out + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
}

void fi_normal_f32_avx2(const fi_rng *g, uint64_t block, fi_index ngroups, float mean,
                        float std, float *out) {
    fi_pkeys_avx2 K;
    fi_pkeys_init_avx2(g, &K);
    const __m256 vmean = _mm256_set1_ps(mean), vstd = _mm256_set1_ps(std);
    /* Software-pipelined: the next group's Philox rounds are independent of
     * this group's Box-Muller, so the core overlaps the two long chains. */
    fi_px4_avx2 A, B;
    fi_philox8_avx2(&K, block, &A, &B);
    for (fi_index i = 0; i < ngroups; i++, out += 32) {
        fi_px4_avx2 A2, B2;
        block += 8;
        fi_philox8_avx2(&K, block, &A2, &B2); /* one spare group at the end */
        fi_normal16_ps_avx2(&A, vmean, vstd, out);
        fi_normal16_ps_avx2(&B, vmean, vstd, out + 16);
        A = A2;
        B = B2;
    }
}

/* 4 pairs from 4 blocks (lane = block = pair). Writes 8 doubles. */
static inline void fi_normal8_pd_avx2(const fi_px4_avx2 *X, __m256d mean, __m256d std,
                                      double *out) {
    __m256d u1 = _mm256_mul_pd(_mm256_add_pd(fi_u53_pd_avx2(X->c0, X->c1), _mm256_set1_pd(1.0)),
                               _mm256_set1_pd(0x1p-53));
    __m256d r = _mm256_sqrt_pd(_mm256_mul_pd(fi_log_pd_avx2(u1), _mm256_set1_pd(-2.0)));
    __m256i a2 = _mm256_srli_epi64(_mm256_slli_epi64(X->c2, 32), 38);
    __m256i b2 = _mm256_srli_epi64(_mm256_slli_epi64(X->c3, 32), 37);
    __m256i qf = _mm256_srli_epi64(_mm256_add_epi64(a2, _mm256_set1_epi64x(1 << 23)), 24);
    __m256d d = _mm256_sub_pd(fi_u52_to_pd_avx2(a2),
                              _mm256_mul_pd(fi_u52_to_pd_avx2(qf), _mm256_set1_pd(16777216.0)));
    __m256d t = _mm256_mul_pd(
        _mm256_add_pd(_mm256_mul_pd(d, _mm256_set1_pd(134217728.0)), fi_u52_to_pd_avx2(b2)),
        _mm256_set1_pd(0x1p-51));
    __m256d s, c;
    fi_sincos_pd_avx2(_mm256_mul_pd(t, _mm256_set1_pd(FI_PIO2)), &s, &c);
    __m256i q = _mm256_and_si256(qf, _mm256_set1_epi64x(3));
    __m256i one = _mm256_set1_epi64x(1), two = _mm256_set1_epi64x(2);
    __m256d swap = _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_and_si256(q, one), one));
    __m256d cc = _mm256_blendv_pd(c, s, swap);
    __m256d ss = _mm256_blendv_pd(s, c, swap);
    cc = _mm256_xor_pd(cc, _mm256_castsi256_pd(_mm256_slli_epi64(
                               _mm256_and_si256(_mm256_add_epi64(q, one), two), 62)));
    ss = _mm256_xor_pd(ss, _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_and_si256(q, two), 62)));
    __m256d zc = _mm256_add_pd(_mm256_mul_pd(_mm256_mul_pd(r, cc), std), mean);
    __m256d zs = _mm256_add_pd(_mm256_mul_pd(_mm256_mul_pd(r, ss), std), mean);
    __m256d r0, r1;
    fi_zip_pd_avx2(zc, zs, &r0, &r1);
    _mm256_storeu_pd(out, r0);
    _mm256_storeu_pd(out + 4, r1);
}

void fi_normal_f64_avx2(const fi_rng *g, uint64_t block, fi_index ngroups, double mean,
                        double std, double *out) {
    fi_pkeys_avx2 K;
    fi_pkeys_init_avx2(g, &K);
    const __m256d vmean = _mm256_set1_pd(mean), vstd = _mm256_set1_pd(std);
    for (fi_index i = 0; i < ngroups; i++, block += 8, out += 16) {
        fi_px4_avx2 A, B;
        fi_philox8_avx2(&K, block, &A, &B);
        fi_normal8_pd_avx2(&A, vmean, vstd, out);
        fi_normal8_pd_avx2(&B, vmean, vstd, out + 8);
    }
}

#endif /* FI_X86 */
