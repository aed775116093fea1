/* vmath_exp.h: vectorized exp, tanh and sigmoid for AVX2/FMA and AVX-512.
 *
 * Header-only (FI_INLINE): each ISA's kernel file includes it and gets the
 * functions its compiler flags allow (__AVX2__+__FMA__, __AVX512F__).
 *
 * Accuracy (measured against float64/long double, see tests/test_activations.py):
 *   exp   float32 <= 1 ulp, float64 <= 1 ulp   (Cody-Waite reduction, Cephes
 *         minimax polynomial for float32, degree-13 Taylor for float64)
 *   tanh  float32 <= 2 ulp, float64 <= 2 ulp   (Cephes: odd polynomial /
 *         rational for |x| < 0.625, 1 - 2/(exp(2|x|) + 1) above)
 *   sigmoid = 1/(1+e) or e/(1+e) with e = exp(-|x|): <= 3 ulp.
 * Special values: exp(-inf) = 0, exp(+inf) = +inf, NaN propagates, results
 * that are denormal are rounded once (the 2^n scaling is split in two
 * factors, each a normal number, so the only rounding is the last product),
 * tanh(±inf) = ±1, tanh(-0) = -0, sigmoid(0) = 0.5 exactly.
 *
 * NaN handling relies on the SSE/AVX min/max rule "if either operand is NaN
 * return the second one": the clamps are written min(limit, x) so a NaN x
 * survives them.  The AVX2 and AVX-512 versions use the same operations in
 * the same order, so they agree bit for bit. */
#ifndef FASTINIT_VMATH_EXP_H
#define FASTINIT_VMATH_EXP_H

#include "fastinit.h"

#if FI_X86 && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

/* float32 exp: x = n ln2 + r, |r| <= ln2/2, exp(r) = 1 + r + r^2 P(r). */
#define FI_EXPF_HI 89.0f   /* exp(89) overflows: clamped inputs still give +inf */
#define FI_EXPF_LO -104.0f /* exp(-104) < 2^-150 rounds to 0 */
#define FI_EXPF_LOG2E 1.44269504088896341f
#define FI_EXPF_C1 0.693359375f /* ln2 split: C1 has 9 bits, n*C1 is exact */
#define FI_EXPF_C2 -2.12194440e-4f
#define FI_EXPF_P0 1.9875691500E-4f
#define FI_EXPF_P1 1.3981999507E-3f
#define FI_EXPF_P2 8.3334519073E-3f
#define FI_EXPF_P3 4.1665795894E-2f
#define FI_EXPF_P4 1.6666665459E-1f
#define FI_EXPF_P5 5.0000001201E-1f

/* float64 exp: same reduction, Taylor to r^13 (truncation < 5e-18). */
#define FI_EXP_HI 710.0
#define FI_EXP_LO -746.0
#define FI_EXP_LOG2E 1.4426950408889634074
#define FI_EXP_C1 6.93145751953125E-1
#define FI_EXP_C2 1.42860682030941723212E-6
#define FI_EXP_MAGIC 6755399441055744.0 /* 1.5 * 2^52: adding it rounds to an integer */

/* tanh, |x| < 0.625 branch (Cephes tanhf / tanh) */
#define FI_TANH_SMALL 0.625
#define FI_TANHF_P0 -5.70498872745E-3f
#define FI_TANHF_P1 2.06390887954E-2f
#define FI_TANHF_P2 -5.37397155531E-2f
#define FI_TANHF_P3 1.33314422036E-1f
#define FI_TANHF_P4 -3.33332819422E-1f
#define FI_TANH_P0 -9.64399179425052238628E-1
#define FI_TANH_P1 -9.92877231001918586564E1
#define FI_TANH_P2 -1.61468768441708447952E3
#define FI_TANH_Q0 1.12811678491632931402E2
#define FI_TANH_Q1 2.23548839060100448583E3
#define FI_TANH_Q2 4.84406305325125486048E3

/* 1/k! for the float64 exp polynomial, k = 13 down to 2 */
#define FI_EXP_TAYLOR(F)                                                                      \
    F(1.6059043836821614599e-10) F(2.0876756987868098979e-9) F(2.5052108385441718775e-8)      \
    F(2.7557319223985890653e-7) F(2.7557319223985890653e-6) F(2.4801587301587301587e-5)       \
    F(1.9841269841269841270e-4) F(1.3888888888888888889e-3) F(8.3333333333333333333e-3)       \
    F(4.1666666666666666667e-2) F(1.6666666666666666667e-1) F(0.5)

/* ======================================================================= AVX2 */

FI_INLINE __m256 fi_exp_ps_avx2(__m256 x) {
    x = _mm256_min_ps(_mm256_set1_ps(FI_EXPF_HI), x);
    x = _mm256_max_ps(_mm256_set1_ps(FI_EXPF_LO), x);
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(FI_EXPF_LOG2E)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(FI_EXPF_C1), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(FI_EXPF_C2), r);
    __m256 p = _mm256_set1_ps(FI_EXPF_P0);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(FI_EXPF_P1));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(FI_EXPF_P2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(FI_EXPF_P3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(FI_EXPF_P4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(FI_EXPF_P5));
    __m256 r2 = _mm256_mul_ps(r, r);
    p = _mm256_add_ps(_mm256_fmadd_ps(p, r2, r), _mm256_set1_ps(1.0f));
    /* 2^n = 2^n1 * 2^n2 with both factors normal for n in [-150, 129] */
    __m256i ni = _mm256_cvtps_epi32(n);
    __m256i n1 = _mm256_srai_epi32(ni, 1);
    __m256i n2 = _mm256_sub_epi32(ni, n1);
    const __m256i bias = _mm256_set1_epi32(127);
    __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
    __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

/* 2^k for integral double k in [-600, 600], built from the exponent bits */
FI_INLINE __m256d fi_pow2i_pd_avx2(__m256d k) {
    const __m256d magic = _mm256_set1_pd(FI_EXP_MAGIC + 1023.0);
    __m256i bits = _mm256_sub_epi64(_mm256_castpd_si256(_mm256_add_pd(k, magic)),
                                    _mm256_castpd_si256(_mm256_set1_pd(FI_EXP_MAGIC)));
    return _mm256_castsi256_pd(_mm256_slli_epi64(bits, 52));
}

FI_INLINE __m256d fi_exp_pd_avx2(__m256d x) {
    x = _mm256_min_pd(_mm256_set1_pd(FI_EXP_HI), x);
    x = _mm256_max_pd(_mm256_set1_pd(FI_EXP_LO), x);
    __m256d n = _mm256_round_pd(_mm256_mul_pd(x, _mm256_set1_pd(FI_EXP_LOG2E)),
                                _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(FI_EXP_C1), x);
    r = _mm256_fnmadd_pd(n, _mm256_set1_pd(FI_EXP_C2), r);
    __m256d p = _mm256_setzero_pd();
#define FI_TERM_(c) p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(c));
    FI_EXP_TAYLOR(FI_TERM_)
#undef FI_TERM_
    __m256d r2 = _mm256_mul_pd(r, r);
    p = _mm256_add_pd(_mm256_fmadd_pd(p, r2, r), _mm256_set1_pd(1.0));
    __m256d n1 = _mm256_floor_pd(_mm256_mul_pd(n, _mm256_set1_pd(0.5)));
    __m256d n2 = _mm256_sub_pd(n, n1);
    return _mm256_mul_pd(_mm256_mul_pd(p, fi_pow2i_pd_avx2(n1)), fi_pow2i_pd_avx2(n2));
}

/* e = exp(-|x|); 1/(1+e) for x >= 0, e * (1/(1+e)) otherwise (NaN: e*r = NaN) */
FI_INLINE __m256 fi_sigmoid_ps_avx2(__m256 x) {
    __m256 e = fi_exp_ps_avx2(_mm256_or_ps(x, _mm256_set1_ps(-0.0f)));
    __m256 r = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_add_ps(_mm256_set1_ps(1.0f), e));
    __m256 pos = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ);
    return _mm256_blendv_ps(_mm256_mul_ps(e, r), r, pos);
}

FI_INLINE __m256d fi_sigmoid_pd_avx2(__m256d x) {
    __m256d e = fi_exp_pd_avx2(_mm256_or_pd(x, _mm256_set1_pd(-0.0)));
    __m256d r = _mm256_div_pd(_mm256_set1_pd(1.0), _mm256_add_pd(_mm256_set1_pd(1.0), e));
    __m256d pos = _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GE_OQ);
    return _mm256_blendv_pd(_mm256_mul_pd(e, r), r, pos);
}

/* tanh on |x| with the sign put back last, so tanh(-x) = -tanh(x) exactly.
 * The exp branch is skipped when no lane needs it (same result per lane). */
FI_INLINE __m256 fi_tanh_ps_avx2(__m256 x) {
    const __m256 sgn = _mm256_set1_ps(-0.0f);
    __m256 ax = _mm256_andnot_ps(sgn, x);
    __m256 z = _mm256_mul_ps(ax, ax);
    __m256 p = _mm256_set1_ps(FI_TANHF_P0);
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(FI_TANHF_P1));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(FI_TANHF_P2));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(FI_TANHF_P3));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(FI_TANHF_P4));
    __m256 y = _mm256_fmadd_ps(_mm256_mul_ps(p, z), ax, ax);
    __m256 big = _mm256_cmp_ps(ax, _mm256_set1_ps((float)FI_TANH_SMALL), _CMP_GE_OQ);
    if (_mm256_movemask_ps(big)) {
        const __m256 one = _mm256_set1_ps(1.0f);
        __m256 e = fi_exp_ps_avx2(_mm256_add_ps(ax, ax));
        __m256 t = _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
        y = _mm256_blendv_ps(y, t, big);
    }
    return _mm256_or_ps(y, _mm256_and_ps(sgn, x));
}

FI_INLINE __m256d fi_tanh_pd_avx2(__m256d x) {
    const __m256d sgn = _mm256_set1_pd(-0.0);
    __m256d ax = _mm256_andnot_pd(sgn, x);
    __m256d z = _mm256_mul_pd(ax, ax);
    __m256d p = _mm256_fmadd_pd(_mm256_set1_pd(FI_TANH_P0), z, _mm256_set1_pd(FI_TANH_P1));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(FI_TANH_P2));
    __m256d q = _mm256_add_pd(z, _mm256_set1_pd(FI_TANH_Q0));
    q = _mm256_fmadd_pd(q, z, _mm256_set1_pd(FI_TANH_Q1));
    q = _mm256_fmadd_pd(q, z, _mm256_set1_pd(FI_TANH_Q2));
    __m256d y = _mm256_fmadd_pd(_mm256_mul_pd(_mm256_div_pd(p, q), z), ax, ax);
    __m256d big = _mm256_cmp_pd(ax, _mm256_set1_pd(FI_TANH_SMALL), _CMP_GE_OQ);
    if (_mm256_movemask_pd(big)) {
        const __m256d one = _mm256_set1_pd(1.0);
        __m256d e = fi_exp_pd_avx2(_mm256_add_pd(ax, ax));
        __m256d t = _mm256_sub_pd(one, _mm256_div_pd(_mm256_set1_pd(2.0), _mm256_add_pd(e, one)));
        y = _mm256_blendv_pd(y, t, big);
    }
    return _mm256_or_pd(y, _mm256_and_pd(sgn, x));
}

#endif /* AVX2 + FMA */

/* ==================================================================== AVX-512 */
#if FI_X86 && defined(__AVX512F__) && defined(__AVX512DQ__)

FI_INLINE __m512 fi_exp_ps_avx512(__m512 x) {
    x = _mm512_min_ps(_mm512_set1_ps(FI_EXPF_HI), x);
    x = _mm512_max_ps(_mm512_set1_ps(FI_EXPF_LO), x);
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(FI_EXPF_LOG2E)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(FI_EXPF_C1), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(FI_EXPF_C2), r);
    __m512 p = _mm512_set1_ps(FI_EXPF_P0);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(FI_EXPF_P1));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(FI_EXPF_P2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(FI_EXPF_P3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(FI_EXPF_P4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(FI_EXPF_P5));
    __m512 r2 = _mm512_mul_ps(r, r);
    p = _mm512_add_ps(_mm512_fmadd_ps(p, r2, r), _mm512_set1_ps(1.0f));
    __m512i ni = _mm512_cvtps_epi32(n);
    __m512i n1 = _mm512_srai_epi32(ni, 1);
    __m512i n2 = _mm512_sub_epi32(ni, n1);
    const __m512i bias = _mm512_set1_epi32(127);
    __m512 s1 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(n1, bias), 23));
    __m512 s2 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(n2, bias), 23));
    return _mm512_mul_ps(_mm512_mul_ps(p, s1), s2);
}

FI_INLINE __m512d fi_pow2i_pd_avx512(__m512d k) {
    const __m512d magic = _mm512_set1_pd(FI_EXP_MAGIC + 1023.0);
    __m512i bits = _mm512_sub_epi64(_mm512_castpd_si512(_mm512_add_pd(k, magic)),
                                    _mm512_castpd_si512(_mm512_set1_pd(FI_EXP_MAGIC)));
    return _mm512_castsi512_pd(_mm512_slli_epi64(bits, 52));
}

FI_INLINE __m512d fi_exp_pd_avx512(__m512d x) {
    x = _mm512_min_pd(_mm512_set1_pd(FI_EXP_HI), x);
    x = _mm512_max_pd(_mm512_set1_pd(FI_EXP_LO), x);
    __m512d n = _mm512_roundscale_pd(_mm512_mul_pd(x, _mm512_set1_pd(FI_EXP_LOG2E)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512d r = _mm512_fnmadd_pd(n, _mm512_set1_pd(FI_EXP_C1), x);
    r = _mm512_fnmadd_pd(n, _mm512_set1_pd(FI_EXP_C2), r);
    __m512d p = _mm512_setzero_pd();
#define FI_TERM_(c) p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(c));
    FI_EXP_TAYLOR(FI_TERM_)
#undef FI_TERM_
    __m512d r2 = _mm512_mul_pd(r, r);
    p = _mm512_add_pd(_mm512_fmadd_pd(p, r2, r), _mm512_set1_pd(1.0));
    __m512d n1 = _mm512_roundscale_pd(_mm512_mul_pd(n, _mm512_set1_pd(0.5)),
                                      _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    __m512d n2 = _mm512_sub_pd(n, n1);
    return _mm512_mul_pd(_mm512_mul_pd(p, fi_pow2i_pd_avx512(n1)), fi_pow2i_pd_avx512(n2));
}

FI_INLINE __m512 fi_sigmoid_ps_avx512(__m512 x) {
    __m512 e = fi_exp_ps_avx512(_mm512_or_ps(x, _mm512_set1_ps(-0.0f)));
    __m512 r = _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_add_ps(_mm512_set1_ps(1.0f), e));
    __mmask16 pos = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
    return _mm512_mask_blend_ps(pos, _mm512_mul_ps(e, r), r);
}

FI_INLINE __m512d fi_sigmoid_pd_avx512(__m512d x) {
    __m512d e = fi_exp_pd_avx512(_mm512_or_pd(x, _mm512_set1_pd(-0.0)));
    __m512d r = _mm512_div_pd(_mm512_set1_pd(1.0), _mm512_add_pd(_mm512_set1_pd(1.0), e));
    __mmask8 pos = _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_GE_OQ);
    return _mm512_mask_blend_pd(pos, _mm512_mul_pd(e, r), r);
}

FI_INLINE __m512 fi_tanh_ps_avx512(__m512 x) {
    const __m512 sgn = _mm512_set1_ps(-0.0f);
    __m512 ax = _mm512_andnot_ps(sgn, x);
    __m512 z = _mm512_mul_ps(ax, ax);
    __m512 p = _mm512_set1_ps(FI_TANHF_P0);
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(FI_TANHF_P1));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(FI_TANHF_P2));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(FI_TANHF_P3));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(FI_TANHF_P4));
    __m512 y = _mm512_fmadd_ps(_mm512_mul_ps(p, z), ax, ax);
    __mmask16 big = _mm512_cmp_ps_mask(ax, _mm512_set1_ps((float)FI_TANH_SMALL), _CMP_GE_OQ);
    if (big) {
        const __m512 one = _mm512_set1_ps(1.0f);
        __m512 e = fi_exp_ps_avx512(_mm512_add_ps(ax, ax));
        __m512 t = _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, one)));
        y = _mm512_mask_blend_ps(big, y, t);
    }
    return _mm512_or_ps(y, _mm512_and_ps(sgn, x));
}

FI_INLINE __m512d fi_tanh_pd_avx512(__m512d x) {
    const __m512d sgn = _mm512_set1_pd(-0.0);
    __m512d ax = _mm512_andnot_pd(sgn, x);
    __m512d z = _mm512_mul_pd(ax, ax);
    __m512d p = _mm512_fmadd_pd(_mm512_set1_pd(FI_TANH_P0), z, _mm512_set1_pd(FI_TANH_P1));
    p = _mm512_fmadd_pd(p, z, _mm512_set1_pd(FI_TANH_P2));
    __m512d q = _mm512_add_pd(z, _mm512_set1_pd(FI_TANH_Q0));
    q = _mm512_fmadd_pd(q, z, _mm512_set1_pd(FI_TANH_Q1));
    q = _mm512_fmadd_pd(q, z, _mm512_set1_pd(FI_TANH_Q2));
    __m512d y = _mm512_fmadd_pd(_mm512_mul_pd(_mm512_div_pd(p, q), z), ax, ax);
    __mmask8 big = _mm512_cmp_pd_mask(ax, _mm512_set1_pd(FI_TANH_SMALL), _CMP_GE_OQ);
    if (big) {
        const __m512d one = _mm512_set1_pd(1.0);
        __m512d e = fi_exp_pd_avx512(_mm512_add_pd(ax, ax));
        __m512d t = _mm512_sub_pd(one, _mm512_div_pd(_mm512_set1_pd(2.0), _mm512_add_pd(e, one)));
        y = _mm512_mask_blend_pd(big, y, t);
    }
    return _mm512_or_pd(y, _mm512_and_pd(sgn, x));
}

#endif /* AVX-512 */
#endif /* FASTINIT_VMATH_EXP_H */
