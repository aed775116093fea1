/* AVX-512 random fills: the kernels of distributions_simd.h at 8 blocks per
 * vector, 16 Philox blocks per group, same bits as the generic path.  The
 * truncated normal runs the AVX2 kernel (distributions_avx2.c). */
#include "core/fastinit.h"
#if FI_X86

#include <immintrin.h>

#include "random/distributions.h"
#include "random/distributions_isa.h"
#include "core/cpu.h"
#include "vmath/vmath_log.h"

/* lo holds 128-bit items (0 | 2 | 4 | 6) and hi (1 | 3 | 5 | 7), one item
 * per lane: out0 = items 0-3, out1 = items 4-7 (one two-source permutation
 * each). */
static inline void fi_unzip128_avx512(__m512i lo, __m512i hi, __m512i *out0, __m512i *out1) {
    const __m512i i0 = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
    const __m512i i1 = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
    *out0 = _mm512_permutex2var_epi64(lo, i0, hi);
    *out1 = _mm512_permutex2var_epi64(lo, i1, hi);
}

static inline void fi_unzip128_ps_avx512(__m512 lo, __m512 hi, __m512 *out0, __m512 *out1) {
    __m512i r0, r1;
    fi_unzip128_avx512(_mm512_castps_si512(lo), _mm512_castps_si512(hi), &r0, &r1);
    *out0 = _mm512_castsi512_ps(r0);
    *out1 = _mm512_castsi512_ps(r1);
}

static inline void fi_unzip128_pd_avx512(__m512d lo, __m512d hi, __m512d *out0,
                                         __m512d *out1) {
    __m512i r0, r1;
    fi_unzip128_avx512(_mm512_castpd_si512(lo), _mm512_castpd_si512(hi), &r0, &r1);
    *out0 = _mm512_castsi512_pd(r0);
    *out1 = _mm512_castsi512_pd(r1);
}

#define FI_ISA avx512
#define V(op) _mm512_##op
#define VI __m512i
#define VF __m512
#define VD __m512d
#define FI_LANES64 8
#define FI_GROUP FI_GROUP_AVX512
#define I_SET1_64(x) _mm512_set1_epi64(x)
#define I_IOTA64 _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7)
#define I_AND _mm512_and_si512
#define I_XOR3(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0x96)
#define I_STORE(p, v) _mm512_storeu_si512((void *)(p), v)
#define I_PACK_LO(x, y) _mm512_mask_blend_epi32((__mmask16)0xAAAA, x, _mm512_slli_epi64(y, 32))
#define I_UNZIP128 fi_unzip128_avx512
#define F_UNZIP128 fi_unzip128_ps_avx512
#define D_UNZIP128 fi_unzip128_pd_avx512
#define F_SEL_ODD(q, x, y) _mm512_mask_blend_ps(_mm512_test_epi32_mask(q, _mm512_set1_epi32(1)), x, y)
#define D_SEL_ODD(q, x, y) _mm512_mask_blend_pd(_mm512_test_epi64_mask(q, _mm512_set1_epi64(1)), x, y)
#define F_XOR_I(f, i) _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(f), i))
#define D_XOR_I(d, i) _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(d), i))
#define D_FROM_U52 _mm512_cvtepu64_pd
#define F_LOG fi_log_ps_avx512
#define F_SINCOS fi_sincos_ps_avx512
#define D_LOG fi_log_pd_avx512
#define D_SINCOS fi_sincos_pd_avx512
#define F_STORE16 fi_store16_ps_avx512
#define FI_NORMAL_F32_PIPELINED 0 /* 32 registers: whole groups fit */
#if defined(__AVX512BF16__)
/* bfloat16 by the CPU's own conversion where it has AVX-512 BF16 */
#define F_FMT_LOCAL(fmt) ((fmt) == FI_OUT_BF16 && fi_cpu_has_avx512bf16() ? FI_OUT_BF16_HW : (fmt))
#endif

/* Sixteen floats rounded as core/half.h rounds them: vcvtps2ph for float16;
 * for bfloat16 vcvtneps2bf16 (FI_OUT_BF16_HW) or integer rounding.
 * vcvtneps2bf16 flushes subnormal inputs to zero, which the contract keeps:
 * lanes holding one (rare: a tiny std or scale) take the integer result. */
static inline __m256i fi_bf16_int_avx512(__m512 v) {
    const __m512i x = _mm512_castps_si512(v);
    const __m512i hi = _mm512_srli_epi32(x, 16);
    __m512i r = _mm512_add_epi32(x, _mm512_add_epi32(_mm512_set1_epi32(0x7fff),
                                                     _mm512_and_si512(hi, _mm512_set1_epi32(1))));
    r = _mm512_srli_epi32(r, 16);
    const __mmask16 nan = _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    r = _mm512_mask_blend_epi32(nan, r, _mm512_or_si512(hi, _mm512_set1_epi32(0x40)));
    return _mm512_cvtepi32_epi16(r);
}

static inline void fi_store16_ps_avx512(int fmt, uint16_t *p, __m512 v) {
    __m256i h;
    if (fmt == FI_OUT_F16) {
        h = _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
#if defined(__AVX512BF16__)
    } else if (fmt == FI_OUT_BF16_HW) {
        h = (__m256i)_mm512_cvtneps_pbh(v);
        const __m512i x = _mm512_castps_si512(v);
        const __mmask16 sub = _mm512_testn_epi32_mask(x, _mm512_set1_epi32(0x7f800000)) &
                              _mm512_test_epi32_mask(x, _mm512_set1_epi32(0x7fffffff));
        if (sub) /* 16-bit lanes: blend with a 16-lane mask */
            h = _mm256_mask_blend_epi16(sub, h, fi_bf16_int_avx512(v));
#endif
    } else {
        h = fi_bf16_int_avx512(v);
    }
    _mm256_storeu_si256((__m256i *)p, h);
}
#include "random/distributions_simd.h"

int fi_bf16_store_hw_avx512(void) {
#if defined(__AVX512BF16__)
    return fi_cpu_has_avx512bf16();
#else
    return 0;
#endif
}

#endif /* FI_X86 */
