/* Elementwise kernels for AVX2 + FMA (compiled with -mavx2 -mfma): the
 * vector bodies live in elementwise_simd.h, the math in vmath_exp.h. */
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

/* lanes [0, k) on, the rest off: a window into this table */
static const int32_t fi_tail_bits[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

FI_INLINE __m256i fi_tail_ps(fi_index k) {
    return _mm256_loadu_si256((const __m256i *)(fi_tail_bits + 8 - k));
}
FI_INLINE __m256i fi_tail_pd(fi_index k) {
    return _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(fi_tail_bits + 8 - k)));
}
FI_INLINE __m256 fi_loadt_ps(const float *p, fi_index k, __m256 fill) {
    __m256i m = fi_tail_ps(k);
    return _mm256_blendv_ps(fill, _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
}
FI_INLINE __m256d fi_loadt_pd(const double *p, fi_index k, __m256d fill) {
    __m256i m = fi_tail_pd(k);
    return _mm256_blendv_pd(fill, _mm256_maskload_pd(p, m), _mm256_castsi256_pd(m));
}
FI_INLINE float fi_hmax_ps(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
}
FI_INLINE double fi_hmax_pd(__m256d v) {
    __m128d m = _mm_max_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_max_sd(m, _mm_unpackhi_pd(m, m)));
}
FI_INLINE double fi_hsum_pd(__m256d v) {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

/* ---- float ---------------------------------------------------------------- */
#define T float
#define VT __m256
#define VW 8
#define FI_SFX f32
#define FI_ISA avx2
#define V_LOAD(p) _mm256_loadu_ps(p)
#define V_STORE(p, v) _mm256_storeu_ps(p, v)
#define V_STREAM(p, v) _mm256_stream_ps(p, v)
#define V_LOADT(p, k, fill) fi_loadt_ps(p, k, fill)
#define V_STORET(p, k, v) _mm256_maskstore_ps(p, fi_tail_ps(k), v)
#define V_KEEPT(v, k) _mm256_and_ps(v, _mm256_castsi256_ps(fi_tail_ps(k)))
#define V_SET1 _mm256_set1_ps
#define V_ADD _mm256_add_ps
#define V_SUB _mm256_sub_ps
#define V_MUL _mm256_mul_ps
#define V_MAX _mm256_max_ps
#define V_GT0_SEL(x, t, f) _mm256_blendv_ps(f, t, _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GT_OQ))
#define V_RELU(x) _mm256_max_ps(_mm256_setzero_ps(), x)
#define V_EXP fi_exp_ps_avx2
#define V_SIGMOID fi_sigmoid_ps_avx2
#define V_TANH fi_tanh_ps_avx2
#define FI_BAD_DECL __m256 bad = _mm256_setzero_ps()
#define FI_BAD_ADD(v) bad = _mm256_or_ps(bad, _mm256_cmp_ps(v, v, _CMP_UNORD_Q))
#define FI_BAD_ANY _mm256_movemask_ps(bad)
#define FI_ACC_DECL __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd()
#define FI_ACC_ADD(v)                                                                          \
    (acc0 = _mm256_add_pd(acc0, _mm256_cvtps_pd(_mm256_castps256_ps128(v))),                   \
     acc1 = _mm256_add_pd(acc1, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1))))
#define FI_ACC_SUM fi_hsum_pd(_mm256_add_pd(acc0, acc1))
#define V_HMAX fi_hmax_ps
#include "elementwise/elementwise_simd.h"

/* ---- double --------------------------------------------------------------- */
#define T double
#define VT __m256d
#define VW 4
#define FI_SFX f64
#define FI_ISA avx2
#define V_LOAD(p) _mm256_loadu_pd(p)
#define V_STORE(p, v) _mm256_storeu_pd(p, v)
#define V_STREAM(p, v) _mm256_stream_pd(p, v)
#define V_LOADT(p, k, fill) fi_loadt_pd(p, k, fill)
#define V_STORET(p, k, v) _mm256_maskstore_pd(p, fi_tail_pd(k), v)
#define V_KEEPT(v, k) _mm256_and_pd(v, _mm256_castsi256_pd(fi_tail_pd(k)))
#define V_SET1 _mm256_set1_pd
#define V_ADD _mm256_add_pd
#define V_SUB _mm256_sub_pd
#define V_MUL _mm256_mul_pd
#define V_MAX _mm256_max_pd
#define V_GT0_SEL(x, t, f) _mm256_blendv_pd(f, t, _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ))
#define V_RELU(x) _mm256_max_pd(_mm256_setzero_pd(), x)
#define V_EXP fi_exp_pd_avx2
#define V_SIGMOID fi_sigmoid_pd_avx2
#define V_TANH fi_tanh_pd_avx2
#define FI_BAD_DECL __m256d bad = _mm256_setzero_pd()
#define FI_BAD_ADD(v) bad = _mm256_or_pd(bad, _mm256_cmp_pd(v, v, _CMP_UNORD_Q))
#define FI_BAD_ANY _mm256_movemask_pd(bad)
#define FI_ACC_DECL __m256d acc0 = _mm256_setzero_pd()
#define FI_ACC_ADD(v) (acc0 = _mm256_add_pd(acc0, v))
#define FI_ACC_SUM fi_hsum_pd(acc0)
#define V_HMAX fi_hmax_pd
#include "elementwise/elementwise_simd.h"

#endif /* FI_X86 */
