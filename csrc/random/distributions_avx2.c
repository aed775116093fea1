/* AVX2 random fills: Philox4x32-10 on 16 blocks at a time and the uniform /
 * Box-Muller transforms of distributions_simd.h at 4 blocks per vector,
 * plus the truncated normal (distributions_avx512.c has its own);
 * bit-identical to the generic path. */
#include "core/fastinit.h"
#if FI_X86

#include <float.h>
#include <immintrin.h>

#include "random/distributions.h"
#include "random/distributions_isa.h"
#include "vmath/vmath_log.h"

#define FI_ISA avx2
#define V(op) _mm256_##op
#define VI __m256i
#define VF __m256
#define VD __m256d
#define FI_LANES64 4
#define FI_GROUP FI_GROUP_AVX2
#define I_SET1_64(x) _mm256_set1_epi64x(x)
#define I_IOTA64 _mm256_setr_epi64x(0, 1, 2, 3)
#define I_AND _mm256_and_si256
#define I_XOR3(a, b, c) _mm256_xor_si256(_mm256_xor_si256(a, b), c)
#define I_STORE(p, v) _mm256_storeu_si256((__m256i *)(p), v)
#define I_PACK_LO(x, y) _mm256_blend_epi32(x, _mm256_slli_epi64(y, 32), 0xAA)
#define FI_UNZIP128_AVX2(perm, lo, hi, o0, o1)                                                 \
    (*(o0) = perm(lo, hi, 0x20), *(o1) = perm(lo, hi, 0x31))
#define I_UNZIP128(lo, hi, o0, o1) FI_UNZIP128_AVX2(_mm256_permute2x128_si256, lo, hi, o0, o1)
#define F_UNZIP128(lo, hi, o0, o1) FI_UNZIP128_AVX2(_mm256_permute2f128_ps, lo, hi, o0, o1)
#define D_UNZIP128(lo, hi, o0, o1) FI_UNZIP128_AVX2(_mm256_permute2f128_pd, lo, hi, o0, o1)
#define F_SEL_ODD(q, x, y)                                                                     \
    _mm256_blendv_ps(x, y, _mm256_castsi256_ps(_mm256_cmpeq_epi32(                             \
                               _mm256_and_si256(q, _mm256_set1_epi32(1)), _mm256_set1_epi32(1))))
#define D_SEL_ODD(q, x, y)                                                                     \
    _mm256_blendv_pd(x, y, _mm256_castsi256_pd(_mm256_cmpeq_epi64(                             \
                               _mm256_and_si256(q, _mm256_set1_epi64x(1)), _mm256_set1_epi64x(1))))
#define F_XOR_I(f, i) _mm256_xor_ps(f, _mm256_castsi256_ps(i))
#define D_XOR_I(d, i) _mm256_xor_pd(d, _mm256_castsi256_pd(i))
#define D_FROM_U52 fi_u52_to_pd_avx2
#define F_LOG fi_log_ps_avx2
#define F_SINCOS fi_sincos_ps_avx2
#define D_LOG fi_log_pd_avx2
#define D_SINCOS fi_sincos_pd_avx2
#define F_STORE16 fi_store16_ps_avx2
#define FI_NORMAL_F32_PIPELINED 1 /* 16 registers: a whole group would spill */

/* Eight floats rounded as core/half.h rounds them: F16C's vcvtps2ph for
 * float16 (every AVX2 CPU has F16C), integer rounding for bfloat16. */
static inline void fi_store16_ps_avx2(int fmt, uint16_t *p, __m256 v) {
    __m128i h;
    if (fmt == FI_OUT_F16) {
        h = _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT);
    } else {
        const __m256i x = _mm256_castps_si256(v);
        const __m256i hi = _mm256_srli_epi32(x, 16);
        __m256i r = _mm256_add_epi32(x, _mm256_add_epi32(_mm256_set1_epi32(0x7fff),
                                                         _mm256_and_si256(hi, _mm256_set1_epi32(1))));
        r = _mm256_srli_epi32(r, 16);
        const __m256i nan = _mm256_castps_si256(_mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        r = _mm256_blendv_epi8(r, _mm256_or_si256(hi, _mm256_set1_epi32(0x40)), nan);
        /* 32 -> 16 bits: packus works per 128-bit lane, so gather qwords 0, 2 */
        h = _mm256_castsi256_si128(_mm256_permute4x64_epi64(_mm256_packus_epi32(r, r), 0x08));
    }
    _mm_storeu_si128((__m128i *)p, h);
}
#include "random/distributions_simd.h"

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
                           const double prm[6], int flip, int fmt, void *out) {
    fi_pkeys_avx2 K;
    fi_pkeys_init_avx2(g, &K);
    const __m256d vflip = flip ? _mm256_set1_pd(-0.0) : _mm256_setzero_pd();
    const __m256i lo32 = _mm256_set1_epi64x(0xffffffffll);
    fi_index at = 0;
    FI_FOR_EACH_SET(&K, block, ngroups, S, at, 16, {
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
        __m128 b0 = _mm256_cvtpd_ps(_mm256_permute2f128_pd(t0, t2, 0x20));
        __m128 b1 = _mm256_cvtpd_ps(_mm256_permute2f128_pd(t1, t3, 0x20));
        __m128 b2 = _mm256_cvtpd_ps(_mm256_permute2f128_pd(t0, t2, 0x31));
        __m128 b3 = _mm256_cvtpd_ps(_mm256_permute2f128_pd(t1, t3, 0x31));
        fi_store_ps_avx2(fmt, out, at, _mm256_set_m128(b1, b0));
        fi_store_ps_avx2(fmt, out, at + 8, _mm256_set_m128(b3, b2));
    });
}

void fi_truncated_f64_avx2(const fi_rng *g, uint64_t block, fi_index ngroups,
                           const double prm[6], int flip, double *out) {
    fi_pkeys_avx2 K;
    fi_pkeys_init_avx2(g, &K);
    const __m256d vflip = flip ? _mm256_set1_pd(-0.0) : _mm256_setzero_pd();
    const __m256d half = _mm256_set1_pd(0.5), scale = _mm256_set1_pd(0x1p-53);
    FI_FOR_EACH_SET(&K, block, ngroups, S, out, 8, {
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
