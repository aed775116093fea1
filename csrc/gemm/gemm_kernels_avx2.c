/* AVX2/FMA GEMM micro-kernels: 6x16 float, 6x8 double (see gemm_isa.h).
 *
 * 6 rows x 2 vectors = 12 accumulators + 2 B vectors + 1 broadcast = 15 of
 * the 16 ymm registers: the largest tile that never spills, and 12
 * independent FMA chains hide the FMA latency (4 cycles x 2 ports). */
#include "gemm/gemm_isa.h"

#if FI_X86
#include <immintrin.h>

#include "gemm/gemm_pack_x86.h"
#include "gemm/gemm_ukernel.h"

#define FI_AVX2_F32(KIND, NAME, R, NV)                                                       \
    KIND(NAME, float, __m256, R, NV, 8, _mm256_setzero_ps, _mm256_set1_ps,                   \
         _mm256_broadcast_ss, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_fmadd_ps,              \
         _mm256_mul_ps, _mm256_add_ps)
#define FI_AVX2_F64(KIND, NAME, R, NV)                                                       \
    KIND(NAME, double, __m256d, R, NV, 4, _mm256_setzero_pd, _mm256_set1_pd,                 \
         _mm256_broadcast_sd, _mm256_loadu_pd, _mm256_storeu_pd, _mm256_fmadd_pd,              \
         _mm256_mul_pd, _mm256_add_pd)
/* defines fi_ukr_avx2_f32_packed, fi_ukr_avx2_f32_strided, fi_ukr_avx2_f32_half_packed,
 * fi_ukr_avx2_f32_half_strided, fi_ukr_avx2_f64_packed, fi_ukr_avx2_f64_strided,
 * fi_ukr_avx2_f64_half_packed, fi_ukr_avx2_f64_half_strided */
FI_AVX2_F32(FI_GEMM_UKERNEL, fi_ukr_avx2_f32, 6, 2)
FI_AVX2_F32(FI_GEMM_UKERNEL, fi_ukr_avx2_f32_half, 6, 1)
FI_AVX2_F64(FI_GEMM_UKERNEL, fi_ukr_avx2_f64, 6, 2)
FI_AVX2_F64(FI_GEMM_UKERNEL, fi_ukr_avx2_f64_half, 6, 1)

/* Short tiles of 1-5 rows: a thread's block of rows need not be a
 * multiple of 6, so the step and small products split rows evenly. */
#define FI_AVX2_PARTS(DT, FN)                                                                \
    DT(FI_GEMM_UKERNEL_PART, FN##1, 1, 2) DT(FI_GEMM_UKERNEL_PART, FN##1h, 1, 1)               \
    DT(FI_GEMM_UKERNEL_PART, FN##2, 2, 2) DT(FI_GEMM_UKERNEL_PART, FN##2h, 2, 1)               \
    DT(FI_GEMM_UKERNEL_PART, FN##3, 3, 2) DT(FI_GEMM_UKERNEL_PART, FN##3h, 3, 1)               \
    DT(FI_GEMM_UKERNEL_PART, FN##4, 4, 2) DT(FI_GEMM_UKERNEL_PART, FN##4h, 4, 1)               \
    DT(FI_GEMM_UKERNEL_PART, FN##5, 5, 2) DT(FI_GEMM_UKERNEL_PART, FN##5h, 5, 1)
#define FI_AVX2_PART_TABLE(FN)                                                               \
    {                                                                                        \
        {NULL, NULL}, {FN##1, FN##1h}, {FN##2, FN##2h}, {FN##3, FN##3h}, {FN##4, FN##4h},      \
            {FN##5, FN##5h}                                                                  \
    }
/* defines fi_ukr_avx2_f32_r1, fi_ukr_avx2_f32_r1h, fi_ukr_avx2_f32_r2, fi_ukr_avx2_f32_r2h,
 * fi_ukr_avx2_f32_r3, fi_ukr_avx2_f32_r3h, fi_ukr_avx2_f32_r4, fi_ukr_avx2_f32_r4h,
 * fi_ukr_avx2_f32_r5, fi_ukr_avx2_f32_r5h, fi_ukr_avx2_f64_r1, fi_ukr_avx2_f64_r1h,
 * fi_ukr_avx2_f64_r2, fi_ukr_avx2_f64_r2h, fi_ukr_avx2_f64_r3, fi_ukr_avx2_f64_r3h,
 * fi_ukr_avx2_f64_r4, fi_ukr_avx2_f64_r4h, fi_ukr_avx2_f64_r5, fi_ukr_avx2_f64_r5h */
FI_AVX2_PARTS(FI_AVX2_F32, fi_ukr_avx2_f32_r)
FI_AVX2_PARTS(FI_AVX2_F64, fi_ukr_avx2_f64_r)

/* Zen 3: 32 KiB L1d holds a 256 x 16 float sliver of B (16 KiB) with room
 * for A and C; 512 KiB L2 holds a 144 x 256 block of A (144 KiB) plus
 * streams; 32 MiB L3 holds the 256 x 4080 panel of B (4 MiB). */
const fi_gemm_kernels_f32 fi_gemm_avx2_f32 = {
    .mr = 6,
    .nr = 16,
    .mc = 144,
    .kc = 256,
    .nc = 4080,
    .strided_b_max_m = 512,
    .full = {fi_ukr_avx2_f32_packed, fi_ukr_avx2_f32_strided},
    .half = {fi_ukr_avx2_f32_half_packed, fi_ukr_avx2_f32_half_strided},
    .pack_t = fi_pack_t_avx2_f32,
    .part = FI_AVX2_PART_TABLE(fi_ukr_avx2_f32_r),
};
const fi_gemm_kernels_f64 fi_gemm_avx2_f64 = {
    .mr = 6,
    .nr = 8,
    .mc = 72,
    .kc = 256,
    .nc = 4080,
    .strided_b_max_m = 512,
    .full = {fi_ukr_avx2_f64_packed, fi_ukr_avx2_f64_strided},
    .half = {fi_ukr_avx2_f64_half_packed, fi_ukr_avx2_f64_half_strided},
    .pack_t = fi_pack_t_avx2_f64,
    .part = FI_AVX2_PART_TABLE(fi_ukr_avx2_f64_r),
};
#endif
