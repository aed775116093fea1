/* AVX2/FMA GEMM micro-kernels: 6x16 float, 6x8 double (see gemm_internal.h).
 *
 * 6 rows x 2 vectors = 12 accumulators + 2 B vectors + 1 broadcast = 15 of
 * the 16 ymm registers: the largest tile that never spills, and 12
 * independent FMA chains hide the FMA latency (4 cycles x 2 ports). */
#include "gemm_internal.h"

#if FI_X86
#include <immintrin.h>

#include "gemm_ukernel.h"

FI_GEMM_UKERNEL(fi_ukr_avx2_f32, float, __m256, 6, 2, 8, _mm256_setzero_ps, _mm256_set1_ps,
                _mm256_broadcast_ss, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_fmadd_ps,
                _mm256_mul_ps, _mm256_add_ps)
FI_GEMM_UKERNEL(fi_ukr_avx2_f64, double, __m256d, 6, 2, 4, _mm256_setzero_pd, _mm256_set1_pd,
                _mm256_broadcast_sd, _mm256_loadu_pd, _mm256_storeu_pd, _mm256_fmadd_pd,
                _mm256_mul_pd, _mm256_add_pd)

/* Zen 3: 32 KiB L1d holds a 256 x 16 float sliver of B (16 KiB) with room
 * for A and C; 512 KiB L2 holds a 144 x 256 block of A (144 KiB) plus
 * streams; 32 MiB L3 holds the 256 x 4080 panel of B (4 MiB). */
const fi_gemm_kernels_f32 fi_gemm_avx2_f32 = {6, 16, 144, 256, 4080, fi_ukr_avx2_f32_packed,
                                              fi_ukr_avx2_f32_strided};
const fi_gemm_kernels_f64 fi_gemm_avx2_f64 = {6, 8, 72, 256, 4080, fi_ukr_avx2_f64_packed,
                                              fi_ukr_avx2_f64_strided};
#endif
