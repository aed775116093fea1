/* Elementwise kernels for AVX-512 F/DQ (compiled with -mavx512f -mavx512dq
 * ...): the vector bodies live in elementwise_simd.h, the math in
 * vmath_exp.h; tails use the native lane masks. */
#include "core/fastinit.h"
#if FI_X86
#include <immintrin.h>
#include <math.h>

#include "elementwise/elementwise.h"
#include "elementwise/elementwise_isa.h"
#include "vmath/vmath_exp.h"

/* outputs at least this large are written with non-temporal stores */
#ifndef FI_STREAM_MIN_BYTES
#define FI_STREAM_MIN_BYTES ((fi_index)1 << 23)
#endif

#define FI_MASK16(k) ((__mmask16)((1u << (k)) - 1u))
#define FI_MASK8(k) ((__mmask8)((1u << (k)) - 1u))

/* ---- float ---------------------------------------------------------------- */
#define T float
#define VT __m512
#define VW 16
#define FI_SFX f32
#define FI_ISA avx512
#define V_LOAD(p) _mm512_loadu_ps(p)
#define V_STORE(p, v) _mm512_storeu_ps(p, v)
#define V_STREAM(p, v) _mm512_stream_ps(p, v)
#define V_LOADT(p, k, fill) _mm512_mask_loadu_ps(fill, FI_MASK16(k), p)
#define V_STORET(p, k, v) _mm512_mask_storeu_ps(p, FI_MASK16(k), v)
#define V_KEEPT(v, k) _mm512_maskz_mov_ps(FI_MASK16(k), v)
#define V_SET1 _mm512_set1_ps
#define V_ADD _mm512_add_ps
#define V_SUB _mm512_sub_ps
#define V_MUL _mm512_mul_ps
#define V_MAX _mm512_max_ps
#define V_GT0_SEL(x, t, f)                                                                     \
    _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GT_OQ), f, t)
#define V_RELU(x) _mm512_max_ps(_mm512_setzero_ps(), x)
#define V_EXP fi_exp_ps_avx512
#define V_SIGMOID fi_sigmoid_ps_avx512
#define V_TANH fi_tanh_ps_avx512
#define FI_BAD_DECL __mmask16 bad = 0
#define FI_BAD_ADD(v) bad |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q)
#define FI_BAD_ANY (bad != 0)
#define FI_ACC_DECL __m512d acc0 = _mm512_setzero_pd(), acc1 = _mm512_setzero_pd()
#define FI_ACC_ADD(v)                                                                          \
    (acc0 = _mm512_add_pd(acc0, _mm512_cvtps_pd(_mm512_castps512_ps256(v))),                   \
     acc1 = _mm512_add_pd(acc1, _mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1))))
#define FI_ACC_SUM _mm512_reduce_add_pd(_mm512_add_pd(acc0, acc1))
#define V_HMAX _mm512_reduce_max_ps
#include "elementwise/elementwise_simd.h"

/* ---- double --------------------------------------------------------------- */
#define T double
#define VT __m512d
#define VW 8
#define FI_SFX f64
#define FI_ISA avx512
#define V_LOAD(p) _mm512_loadu_pd(p)
#define V_STORE(p, v) _mm512_storeu_pd(p, v)
#define V_STREAM(p, v) _mm512_stream_pd(p, v)
#define V_LOADT(p, k, fill) _mm512_mask_loadu_pd(fill, FI_MASK8(k), p)
#define V_STORET(p, k, v) _mm512_mask_storeu_pd(p, FI_MASK8(k), v)
#define V_KEEPT(v, k) _mm512_maskz_mov_pd(FI_MASK8(k), v)
#define V_SET1 _mm512_set1_pd
#define V_ADD _mm512_add_pd
#define V_SUB _mm512_sub_pd
#define V_MUL _mm512_mul_pd
#define V_MAX _mm512_max_pd
#define V_GT0_SEL(x, t, f)                                                                     \
    _mm512_mask_blend_pd(_mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_GT_OQ), f, t)
#define V_RELU(x) _mm512_max_pd(_mm512_setzero_pd(), x)
#define V_EXP fi_exp_pd_avx512
#define V_SIGMOID fi_sigmoid_pd_avx512
#define V_TANH fi_tanh_pd_avx512
#define FI_BAD_DECL __mmask8 bad = 0
#define FI_BAD_ADD(v) bad |= _mm512_cmp_pd_mask(v, v, _CMP_UNORD_Q)
#define FI_BAD_ANY (bad != 0)
#define FI_ACC_DECL __m512d acc0 = _mm512_setzero_pd()
#define FI_ACC_ADD(v) (acc0 = _mm512_add_pd(acc0, v))
#define FI_ACC_SUM _mm512_reduce_add_pd(acc0)
#define V_HMAX _mm512_reduce_max_pd
#include "elementwise/elementwise_simd.h"

#endif /* FI_X86 */
