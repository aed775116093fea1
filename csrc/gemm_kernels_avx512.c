/* AVX-512 GEMM micro-kernels: 12x32 float, 12x16 double (gemm_internal.h).
 *
 * 12 rows x 2 vectors = 24 accumulators + 2 B vectors + 1 broadcast = 27 of
 * the 32 zmm registers; 24 independent FMA chains cover the latency of two
 * 512-bit FMA ports. */
#include "gemm_internal.h"

#if FI_X86
#include <immintrin.h>

#include "gemm_ukernel.h"

static inline __m512 fi_bcast_ps512(const float *p) { return _mm512_set1_ps(*p); }
static inline __m512d fi_bcast_pd512(const double *p) { return _mm512_set1_pd(*p); }

#define FI_AVX512_F32(NAME, NV)                                                              \
    FI_GEMM_UKERNEL(NAME, float, __m512, 12, NV, 16, _mm512_setzero_ps, _mm512_set1_ps,    \
                    fi_bcast_ps512, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_fmadd_ps,        \
                    _mm512_mul_ps, _mm512_add_ps)
#define FI_AVX512_F64(NAME, NV)                                                              \
    FI_GEMM_UKERNEL(NAME, double, __m512d, 12, NV, 8, _mm512_setzero_pd, _mm512_set1_pd,   \
                    fi_bcast_pd512, _mm512_loadu_pd, _mm512_storeu_pd, _mm512_fmadd_pd,       \
                    _mm512_mul_pd, _mm512_add_pd)
FI_AVX512_F32(fi_ukr_avx512_f32, 2)
FI_AVX512_F32(fi_ukr_avx512_f32_half, 1)
FI_AVX512_F64(fi_ukr_avx512_f64, 2)
FI_AVX512_F64(fi_ukr_avx512_f64_half, 1)

/* Server AVX-512 cores: 32-48 KiB L1d (a 256 x 32 float sliver of B is
 * 32 KiB), 1-2 MiB L2 (a 144 x 256 block of A), large shared L3. */
const fi_gemm_kernels_f32 fi_gemm_avx512_f32 = {
    12, 32, 144, 256, 3072, {fi_ukr_avx512_f32_packed, fi_ukr_avx512_f32_strided},
    {fi_ukr_avx512_f32_half_packed, fi_ukr_avx512_f32_half_strided}, NULL};
const fi_gemm_kernels_f64 fi_gemm_avx512_f64 = {
    12, 16, 144, 256, 3072, {fi_ukr_avx512_f64_packed, fi_ukr_avx512_f64_strided},
    {fi_ukr_avx512_f64_half_packed, fi_ukr_avx512_f64_half_strided}, NULL};
#endif
