/* vmath_exp.h: vectorized exp, tanh and sigmoid for AVX2/FMA and AVX-512.
 *
 * Header-only (FI_INLINE): each ISA's kernel file includes it and gets the
 * functions its compiler flags allow (__AVX2__+__FMA__, __AVX512F__+DQ):
 * fi_{exp,sigmoid,tanh}_{ps,pd}_{avx2,avx512}.  The algorithms are written
 * once, in vmath_exp_simd.h, over the vector-op layer of vmath_isa.h.
 *
 * Accuracy (measured against float64/long double, see tests/test_activations.py):
 *   exp   float32 <= 1 ulp, float64 <= 1 ulp   (Cody-Waite reduction, Cephes
 *         minimax polynomial for float32, degree-13 Taylor for float64)
 *   tanh  float32: m / (m + 2), m = expm1(2|x|), one formula (vmath_exp_simd.h);
 *         float64 <= 2 ulp (Cephes rational for |x| < 0.625, 1 - 2/(exp(2|x|)
 *         + 1) above)
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

#include "core/fastinit.h"

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
#define FI_EXP_MAGIC 6755399441055744.0 /* 1.5 * 2^52 */

/* tanh float64, |x| < 0.625 branch (Cephes tanh) */
#define FI_TANH_SMALL 0.625
#define FI_TANH_P0 -9.64399179425052238628E-1
#define FI_TANH_P1 -9.92877231001918586564E1
#define FI_TANH_P2 -1.61468768441708447952E3
#define FI_TANH_Q0 1.12811678491632931402E2
#define FI_TANH_Q1 2.23548839060100448583E3
#define FI_TANH_Q2 4.84406305325125486048E3

/* Polynomials in Horner form: the leading coefficient, then F(c) for each
 * further one.  exp(r) = 1 + r + r^2 P(r); tanh(x) = x + x z R(z), z = x^2,
 * R = P for float, P / Q (Q monic) for double. */
#define FI_EXPF_P_FIRST FI_EXPF_P0
#define FI_EXPF_P_REST(F) F(FI_EXPF_P1) F(FI_EXPF_P2) F(FI_EXPF_P3) F(FI_EXPF_P4) F(FI_EXPF_P5)
#define FI_EXP_P_FIRST 1.6059043836821614599e-10 /* 1/13!, then 1/12! ... 1/2! */
#define FI_EXP_P_REST(F)                                                                      \
    F(2.0876756987868098979e-9) F(2.5052108385441718775e-8) F(2.7557319223985890653e-7)      \
    F(2.7557319223985890653e-6) F(2.4801587301587301587e-5) F(1.9841269841269841270e-4)       \
    F(1.3888888888888888889e-3) F(8.3333333333333333333e-3) F(4.1666666666666666667e-2)       \
    F(1.6666666666666666667e-1) F(0.5)
#define FI_TANH_P_FIRST FI_TANH_P0
#define FI_TANH_P_REST(F) F(FI_TANH_P1) F(FI_TANH_P2)
#define FI_EXPF_MAGIC 12582912.0f /* 1.5 * 2^23 */

#if FI_X86 && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#define FI_VM_SET FI_VM_AVX2
#define FI_VM_DOUBLE 0
#include "vmath/vmath_exp_simd.h"
#define FI_VM_SET FI_VM_AVX2
#define FI_VM_DOUBLE 1
#include "vmath/vmath_exp_simd.h"

#endif /* AVX2 + FMA */

#if FI_X86 && defined(__AVX512F__) && defined(__AVX512DQ__)
#include <immintrin.h>

/* 1/d for finite d >= 1 (all the callers need): vdivps/pd zmm issue only
 * every 8-16 cycles on Intel cores and were most of sigmoid's and tanh's
 * time, so AVX-512 refines VRCP14 (exact to 2^-14, and bit-for-bit the same
 * on every AVX-512 CPU by its specification) with Newton steps instead: one
 * for float, two for double, each r += r * (1 - d r) with a fused 1 - d r.
 * Within 1 ulp of the quotient; AVX2 divides.  VSCALE (vscalefps/pd) rounds
 * p * 2^n once, denormals included: the same bits as AVX2's two exact
 * power-of-two factors, in one instruction. */
FI_INLINE __m512 fi_rcp_ps_avx512(__m512 d) {
    __m512 r = _mm512_rcp14_ps(d);
    return _mm512_fmadd_ps(r, _mm512_fnmadd_ps(d, r, _mm512_set1_ps(1.0f)), r);
}

FI_INLINE __m512d fi_rcp_pd_avx512(__m512d d) {
    __m512d r = _mm512_rcp14_pd(d);
    r = _mm512_fmadd_pd(r, _mm512_fnmadd_pd(d, r, _mm512_set1_pd(1.0)), r);
    return _mm512_fmadd_pd(r, _mm512_fnmadd_pd(d, r, _mm512_set1_pd(1.0)), r);
}

#define FI_VM_SET FI_VM_AVX512
#define FI_VM_DOUBLE 0
#include "vmath/vmath_exp_simd.h"
#define FI_VM_SET FI_VM_AVX512
#define FI_VM_DOUBLE 1
#include "vmath/vmath_exp_simd.h"

#endif /* AVX-512 */
#endif /* FASTINIT_VMATH_EXP_H */
