/* vmath_log.h: log and sin/cos for Box-Muller, as scalar C and as AVX2 /
 * AVX-512 vectors that give the SAME bits: fi_{log,sincos}_{f32,f64} and
 * fi_{log,sincos}_{ps,pd}_{avx2,avx512}.  The algorithms are written once,
 * in vmath_log_simd.h, over the vector-op layer of vmath_isa.h (scalar C is
 * one of its sets); this file adds the per-ISA exponent/mantissa split and
 * instantiates the template.
 *
 * Why bit-identical: every random fill in fastinit is meant to be a pure
 * function of (seed, element index) on any machine.  The vector versions
 * therefore perform exactly the scalar operations, in the same order, with
 * no fused multiply-add (an FMA rounds once where mul+add rounds twice).
 * Every step is an IEEE-754 operation (add, mul, div, sqrt, exact integer
 * bit manipulations), so the result does not depend on the ISA.  The cost is
 * a few extra instructions per polynomial; the accuracy (Cephes' logf/sinf/
 * cosf and log/sin/cos polynomials) stays within 2 ulp.
 *
 * Domain: the log functions take positive normal finite numbers (Box-Muller
 * feeds u in (0, 1]); the sin/cos functions take x in [-pi/4, pi/4] (the
 * caller reduces the angle exactly in integer arithmetic).
 *
 * The including file must not contract a*b+c into an FMA: GCC does not with
 * -std=c11 (fp-contract=off); clang is told so by the pragma below. */
#ifndef FASTINIT_VMATH_LOG_H
#define FASTINIT_VMATH_LOG_H

#include <stdint.h>
#include <string.h>

#include "core/fastinit.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* ---- constants (Cephes) ---------------------------------------------------- */
#define FI_SQRTHF 0.707106781186547524f
#define FI_LOGF_P0 7.0376836292E-2f
#define FI_LOGF_P1 -1.1514610310E-1f
#define FI_LOGF_P2 1.1676998740E-1f
#define FI_LOGF_P3 -1.2420140846E-1f
#define FI_LOGF_P4 1.4249322787E-1f
#define FI_LOGF_P5 -1.6668057665E-1f
#define FI_LOGF_P6 2.0000714765E-1f
#define FI_LOGF_P7 -2.4999993993E-1f
#define FI_LOGF_P8 3.3333331174E-1f
#define FI_LOG_C1F 0.693359375f
#define FI_LOG_C2F -2.12194440e-4f

#define FI_SINF_S0 -1.9515295891E-4f
#define FI_SINF_S1 8.3321608736E-3f
#define FI_SINF_S2 -1.6666654611E-1f
#define FI_COSF_C0 2.443315711809948E-5f
#define FI_COSF_C1 -1.388731625493765E-3f
#define FI_COSF_C2 4.166664568298827E-2f
#define FI_PIO2F 1.57079632679489661923f

#define FI_SQRTH 0.70710678118654752440
#define FI_LOG_P0 1.01875663804580931796E-4
#define FI_LOG_P1 4.97494994976747001425E-1
#define FI_LOG_P2 4.70579119878881725854E0
#define FI_LOG_P3 1.44989225341610930846E1
#define FI_LOG_P4 1.79368678507819816313E1
#define FI_LOG_P5 7.70838733755885391666E0
#define FI_LOG_Q0 1.12873587189167450590E1
#define FI_LOG_Q1 4.52279145837532221105E1
#define FI_LOG_Q2 8.29875266912776603211E1
#define FI_LOG_Q3 7.11544750618563894466E1
#define FI_LOG_Q4 2.31251620126765340583E1
#define FI_LOG_C1 0.693359375
#define FI_LOG_C2 -2.121944400546905827679e-4

#define FI_SIN_S0 1.58962301576546568060E-10
#define FI_SIN_S1 -2.50507477628578072866E-8
#define FI_SIN_S2 2.75573136213857245213E-6
#define FI_SIN_S3 -1.98412698295895385996E-4
#define FI_SIN_S4 8.33333333332211858878E-3
#define FI_SIN_S5 -1.66666666666666307295E-1
#define FI_COS_C0 -1.13585365213876817300E-11
#define FI_COS_C1 2.08757008419747316778E-9
#define FI_COS_C2 -2.75573141792967388112E-7
#define FI_COS_C3 2.48015872888517045348E-5
#define FI_COS_C4 -1.38888888888730564116E-3
#define FI_COS_C5 4.16666666666665929218E-2
#define FI_PIO2 1.57079632679489661923

/* ---- scalar reference -------------------------------------------------------
 * One multiply and one add per statement: no contraction is possible. */
FI_INLINE float fi_madd_f32(float a, float b, float c) {
    float t = a * b;
    return t + c;
}
FI_INLINE double fi_madd_f64(double a, double b, double c) {
    double t = a * b;
    return t + c;
}

/* log_split: x = m * 2^e with m in [sqrt(1/2), sqrt(2)); returns m, sets
 * *fe = e.  Only exact operations (bit fields, integer adds, m + m), so the
 * way each ISA writes it cannot change a bit. */
FI_INLINE float fi_log_split_f32(float x, float *fe) {
    uint32_t bits;
    memcpy(&bits, &x, 4);
    int32_t e = (int32_t)(bits >> 23) - 126; /* x = m * 2^e, m in [0.5, 1) */
    uint32_t mb = (bits & 0x007fffffu) | 0x3f000000u;
    float m;
    memcpy(&m, &mb, 4);
    if (m < FI_SQRTHF) {
        e -= 1;
        m = m + m; /* exact */
    }
    *fe = (float)e;
    return m;
}

FI_INLINE double fi_log_split_f64(double x, double *fe) {
    uint64_t bits;
    memcpy(&bits, &x, 8);
    double e = (double)(int32_t)((int32_t)(bits >> 52) - 1022);
    uint64_t mb = (bits & 0x000fffffffffffffull) | 0x3fe0000000000000ull;
    double m;
    memcpy(&m, &mb, 8);
    if (m < FI_SQRTH) {
        e = e - 1.0;
        m = m + m;
    }
    *fe = e;
    return m;
}

#define FI_VM_SET FI_VM_SCALAR
#define FI_VM_DOUBLE 0
#include "vmath/vmath_log_simd.h"
#define FI_VM_SET FI_VM_SCALAR
#define FI_VM_DOUBLE 1
#include "vmath/vmath_log_simd.h"

/* ---- AVX2 ------------------------------------------------------------------- */
#if FI_X86 && defined(__AVX2__)
#include <immintrin.h>

/* a*b + c rounded twice (the ndtri polynomial of distributions_avx2.c) */
#define FI_MADD_PD_AVX2(a, b, c) _mm256_add_pd(_mm256_mul_pd((a), (b)), (c))

FI_INLINE __m256 fi_log_split_ps_avx2(__m256 x, __m256 *fe) {
    __m256i bits = _mm256_castps_si256(x);
    __m256i e = _mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(126));
    __m256 m = _mm256_castsi256_ps(_mm256_or_si256(
        _mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x3f000000)));
    __m256 small = _mm256_cmp_ps(m, _mm256_set1_ps(FI_SQRTHF), _CMP_LT_OQ);
    e = _mm256_add_epi32(e, _mm256_castps_si256(small)); /* mask is -1 */
    m = _mm256_add_ps(m, _mm256_and_ps(small, m));        /* m + m, or m + 0 */
    *fe = _mm256_cvtepi32_ps(e);
    return m;
}

/* double <-> small non-negative integers in 64-bit lanes (AVX2 has no
 * cvtepi64_pd): 2^52 + k has the bits 0x4330000000000000 | k. */
FI_INLINE __m256d fi_u52_to_pd_avx2(__m256i k) {
    const __m256d magic = _mm256_set1_pd(4503599627370496.0);
    return _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(k, _mm256_castpd_si256(magic))),
                         magic);
}

FI_INLINE __m256d fi_log_split_pd_avx2(__m256d x, __m256d *fe) {
    __m256i bits = _mm256_castpd_si256(x);
    __m256d e = _mm256_sub_pd(fi_u52_to_pd_avx2(_mm256_srli_epi64(bits, 52)),
                              _mm256_set1_pd(1022.0));
    __m256d m = _mm256_castsi256_pd(
        _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi64x(0x000fffffffffffffll)),
                        _mm256_set1_epi64x(0x3fe0000000000000ll)));
    __m256d small = _mm256_cmp_pd(m, _mm256_set1_pd(FI_SQRTH), _CMP_LT_OQ);
    *fe = _mm256_sub_pd(e, _mm256_and_pd(small, _mm256_set1_pd(1.0)));
    return _mm256_add_pd(m, _mm256_and_pd(small, m));
}

#define FI_VM_SET FI_VM_AVX2
#define FI_VM_DOUBLE 0
#include "vmath/vmath_log_simd.h"
#define FI_VM_SET FI_VM_AVX2
#define FI_VM_DOUBLE 1
#include "vmath/vmath_log_simd.h"
#endif /* AVX2 */

/* ---- AVX-512 ----------------------------------------------------------------- */
#if FI_X86 && defined(__AVX512F__) && defined(__AVX512DQ__)
#include <immintrin.h>

FI_INLINE __m512 fi_log_split_ps_avx512(__m512 x, __m512 *fe) {
    __m512i bits = _mm512_castps_si512(x);
    __m512i e = _mm512_sub_epi32(_mm512_srli_epi32(bits, 23), _mm512_set1_epi32(126));
    __m512 m = _mm512_castsi512_ps(_mm512_or_si512(
        _mm512_and_si512(bits, _mm512_set1_epi32(0x007fffff)), _mm512_set1_epi32(0x3f000000)));
    __mmask16 small = _mm512_cmp_ps_mask(m, _mm512_set1_ps(FI_SQRTHF), _CMP_LT_OQ);
    e = _mm512_mask_sub_epi32(e, small, e, _mm512_set1_epi32(1));
    *fe = _mm512_cvtepi32_ps(e);
    return _mm512_mask_add_ps(m, small, m, m);
}

FI_INLINE __m512d fi_log_split_pd_avx512(__m512d x, __m512d *fe) {
    __m512i bits = _mm512_castpd_si512(x);
    __m512d e = _mm512_sub_pd(_mm512_cvtepi64_pd(_mm512_srli_epi64(bits, 52)),
                              _mm512_set1_pd(1022.0));
    __m512d m = _mm512_castsi512_pd(
        _mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi64(0x000fffffffffffffll)),
                        _mm512_set1_epi64(0x3fe0000000000000ll)));
    __mmask8 small = _mm512_cmp_pd_mask(m, _mm512_set1_pd(FI_SQRTH), _CMP_LT_OQ);
    *fe = _mm512_mask_sub_pd(e, small, e, _mm512_set1_pd(1.0));
    return _mm512_mask_add_pd(m, small, m, m);
}

#define FI_VM_SET FI_VM_AVX512
#define FI_VM_DOUBLE 0
#include "vmath/vmath_log_simd.h"
#define FI_VM_SET FI_VM_AVX512
#define FI_VM_DOUBLE 1
#include "vmath/vmath_log_simd.h"
#endif /* AVX-512 */

#endif /* FASTINIT_VMATH_LOG_H */
