/* AVX2 random fills: Philox4x32-10 on 16 blocks at a time and the uniform /
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

#include <float.h>
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

/* Blocks block + 4s .. block + 4s + 3 into X[s], s < nsets (a constant once
 * inlined): several independent sets hide the multiply latencies. */
#define FI_SETS_AVX2 (FI_GROUP_AVX2 / 4)
static inline void fi_philox_avx2(const fi_pkeys_avx2 *K, uint64_t block, fi_px4_avx2 *X,
                                  int nsets) {
    const __m256i m0 = _mm256_set1_epi64x(FI_PHILOX_M0);
    const __m256i m1 = _mm256_set1_epi64x(FI_PHILOX_M1);
    __m256i base = _mm256_add_epi64(_mm256_set1_epi64x((long long)block),
                                    _mm256_setr_epi64x(0, 1, 2, 3));
    for (int j = 0; j < nsets; j++) {
        __m256i b = _mm256_add_epi64(base, _mm256_set1_epi64x(4 * j));
        X[j].c0 = b;
        X[j].c1 = _mm256_srli_epi64(b, 32);
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
        for (int j = 0; j < nsets; j++)
            FI_PHILOX_ROUND_AVX2(X[j], r);
    }
}

/* Runs the body for each set S (const fi_px4_avx2 *, 4 blocks) of the
 * ngroups groups from `block` on, in block order, advancing out by STEP
 * after each set.  Variadic so that the body may contain commas. */
#define FI_FOR_EACH_SET_AVX2(K, block, ngroups, S, out, STEP, ...)                             \
    for (fi_index i_ = 0; i_ < (ngroups); i_++, (block) += FI_GROUP_AVX2) {                   \
        fi_px4_avx2 X_[FI_SETS_AVX2];                                                         \
        fi_philox_avx2((K), (block), X_, FI_SETS_AVX2);                                       \
        for (int j_ = 0; j_ < FI_SETS_AVX2; j_++, (out) += (STEP)) {                           \
            const fi_px4_avx2 *S = &X_[j_];                                                   \
            __VA_ARGS__;                                                                      \
        }                                                                                     \
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
    FI_FOR_EACH_SET_AVX2(&K, block, ngroups, S, out, 16, {
        __m256i w0, w1;
        fi_words16_avx2(S, &w0, &w1);
        _mm256_storeu_si256((__m256i *)out, w0);
        _mm256_storeu_si256((__m256i *)(out + 8), w1);
    });
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
    FI_FOR_EACH_SET_AVX2(&K, block, ngroups, S, out, 16, {
        __m256i w0, w1;
        fi_words16_avx2(S, &w0, &w1);
        _mm256_storeu_ps(out, fi_uniform8_ps_avx2(w0, vlow, vspan));
        _mm256_storeu_ps(out + 8, fi_uniform8_ps_avx2(w1, vlow, vspan));
    });
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
    FI_FOR_EACH_SET_AVX2(&K, block, ngroups, S, out, 8, {
        fi_uniform_pd4_avx2(S, vlow, vspan, out);
    });
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
    /* Software-pipelined in half groups: the next 8 blocks' Philox rounds
     * are independent of these 8 blocks' Box-Muller, so the two long chains
     * overlap (a whole group at a time runs out of registers). */
    fi_px4_avx2 X[2], Y[2];
    fi_philox_avx2(&K, block, X, 2);
    for (fi_index i = 0; i < 2 * ngroups; i++, out += 32) {
        block += 8;
        fi_philox_avx2(&K, block, Y, 2); /* one spare half group at the end */
        fi_normal16_ps_avx2(&X[0], vmean, vstd, out);
        fi_normal16_ps_avx2(&X[1], vmean, vstd, out + 16);
        X[0] = Y[0];
        X[1] = Y[1];
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
    FI_FOR_EACH_SET_AVX2(&K, block, ngroups, S, out, 8, {
        fi_normal8_pd_avx2(S, vmean, vstd, out);
    });
}

/* ---- truncated normal (inverse CDF) ------------------------------------------------- */

static inline __m256d fi_poly7_pd_avx2(const double *c, __m256d x) {
    __m256d r = _mm256_set1_pd(c[7]);
    for (int i = 6; i >= 0; i--)
        r = FI_MADD_PD_AVX2(r, x, _mm256_set1_pd(c[i]));
    return r;
}

/* fi_ndtri (distributions.c) for p in (0, 1), lane by lane the same
 * operations; the tail branches are evaluated only when a lane needs them. */
static inline __m256d fi_ndtri_pd_avx2(__m256d p) {
    const double(*K)[8] = fi_ndtri_coef;
    const __m256d sign = _mm256_set1_pd(-0.0);
    __m256d q = _mm256_sub_pd(p, _mm256_set1_pd(0.5));
    __m256d central = _mm256_cmp_pd(_mm256_andnot_pd(sign, q), _mm256_set1_pd(0.425), _CMP_LE_OQ);
    __m256d r = _mm256_sub_pd(_mm256_set1_pd(0.180625), _mm256_mul_pd(q, q));
    __m256d z = _mm256_div_pd(_mm256_mul_pd(q, fi_poly7_pd_avx2(K[0], r)),
                              fi_poly7_pd_avx2(K[1], r));
    if (_mm256_movemask_pd(central) == 0xF)
        return z;
    __m256d neg = _mm256_cmp_pd(q, _mm256_setzero_pd(), _CMP_LT_OQ);
    __m256d t = _mm256_blendv_pd(_mm256_sub_pd(_mm256_set1_pd(1.0), p), p, neg);
    t = _mm256_blendv_pd(t, _mm256_set1_pd(DBL_MIN),
                         _mm256_cmp_pd(t, _mm256_set1_pd(DBL_MIN), _CMP_LT_OQ));
    t = _mm256_sqrt_pd(_mm256_xor_pd(fi_log_pd_avx2(t), sign));
    __m256d near = _mm256_cmp_pd(t, _mm256_set1_pd(5.0), _CMP_LE_OQ);
    __m256d tn = _mm256_sub_pd(t, _mm256_set1_pd(1.6));
    __m256d val = _mm256_div_pd(fi_poly7_pd_avx2(K[2], tn), fi_poly7_pd_avx2(K[3], tn));
    if (_mm256_movemask_pd(near) != 0xF) {
        __m256d tf = _mm256_sub_pd(t, _mm256_set1_pd(5.0));
        __m256d far = _mm256_div_pd(fi_poly7_pd_avx2(K[4], tf), fi_poly7_pd_avx2(K[5], tf));
        val = _mm256_blendv_pd(far, val, near);
    }
    val = _mm256_xor_pd(val, _mm256_and_pd(neg, sign));
    return _mm256_blendv_pd(val, z, central);
}

/* mean + std * clamp(+-ndtri(Phi(lo) + u (Phi(hi) - Phi(lo))), lo, hi). */
static inline __m256d fi_truncated_pd_avx2(__m256d u, const double prm[6], __m256d flip) {
    __m256d p = _mm256_add_pd(_mm256_set1_pd(prm[4]), _mm256_mul_pd(u, _mm256_set1_pd(prm[5])));
    __m256d z = fi_ndtri_pd_avx2(p);
    __m256d lo = _mm256_set1_pd(prm[2]), hi = _mm256_set1_pd(prm[3]);
    z = _mm256_blendv_pd(z, lo, _mm256_cmp_pd(z, lo, _CMP_LT_OQ));
    z = _mm256_blendv_pd(z, hi, _mm256_cmp_pd(z, hi, _CMP_GT_OQ));
    z = _mm256_xor_pd(z, flip);
    return _mm256_add_pd(_mm256_set1_pd(prm[0]), _mm256_mul_pd(_mm256_set1_pd(prm[1]), z));
}

void fi_truncated_f32_avx2(const fi_rng *g, uint64_t block, fi_index ngroups,
                           const double prm[6], int flip, float *out) {
    fi_pkeys_avx2 K;
    fi_pkeys_init_avx2(g, &K);
    const __m256d vflip = flip ? _mm256_set1_pd(-0.0) : _mm256_setzero_pd();
    const __m256i lo32 = _mm256_set1_epi64x(0xffffffffll);
    FI_FOR_EACH_SET_AVX2(&K, block, ngroups, S, out, 16, {
        /* r[w]: word w of the set's 4 blocks -> elements 4b + w */
        __m256i c[4] = {S->c0, S->c1, S->c2, S->c3};
        __m256d r[4];
        for (int w = 0; w < 4; w++) {
            __m256d u = _mm256_mul_pd(
                _mm256_add_pd(fi_u52_to_pd_avx2(_mm256_and_si256(c[w], lo32)),
                              _mm256_set1_pd(0.5)),
                _mm256_set1_pd(0x1p-32));
            r[w] = fi_truncated_pd_avx2(u, prm, vflip);
        }
        /* 4x4 transpose: block b's four elements together */
        __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]), t1 = _mm256_unpackhi_pd(r[0], r[1]);
        __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]), t3 = _mm256_unpackhi_pd(r[2], r[3]);
        _mm_storeu_ps(out, _mm256_cvtpd_ps(_mm256_permute2f128_pd(t0, t2, 0x20)));
        _mm_storeu_ps(out + 4, _mm256_cvtpd_ps(_mm256_permute2f128_pd(t1, t3, 0x20)));
        _mm_storeu_ps(out + 8, _mm256_cvtpd_ps(_mm256_permute2f128_pd(t0, t2, 0x31)));
        _mm_storeu_ps(out + 12, _mm256_cvtpd_ps(_mm256_permute2f128_pd(t1, t3, 0x31)));
    });
}

void fi_truncated_f64_avx2(const fi_rng *g, uint64_t block, fi_index ngroups,
                           const double prm[6], int flip, double *out) {
    fi_pkeys_avx2 K;
    fi_pkeys_init_avx2(g, &K);
    const __m256d vflip = flip ? _mm256_set1_pd(-0.0) : _mm256_setzero_pd();
    const __m256d half = _mm256_set1_pd(0.5), scale = _mm256_set1_pd(0x1p-53);
    FI_FOR_EACH_SET_AVX2(&K, block, ngroups, S, out, 8, {
        __m256d e = _mm256_mul_pd(_mm256_add_pd(fi_u53_pd_avx2(S->c0, S->c1), half), scale);
        __m256d o = _mm256_mul_pd(_mm256_add_pd(fi_u53_pd_avx2(S->c2, S->c3), half), scale);
        __m256d r0, r1;
        fi_zip_pd_avx2(fi_truncated_pd_avx2(e, prm, vflip), fi_truncated_pd_avx2(o, prm, vflip),
                       &r0, &r1);
        _mm256_storeu_pd(out, r0);
        _mm256_storeu_pd(out + 4, r1);
    });
}

#endif /* FI_X86 */
