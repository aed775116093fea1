/* AVX-512 GEMM micro-kernels: 12x32 float, 12x16 double (gemm_isa.h).
 *
 * 12 rows x 2 vectors = 24 accumulators + 2 B vectors + 1 broadcast = 27 of
 * the 32 zmm registers; 24 independent FMA chains cover the latency of two
 * 512-bit FMA ports. */
#include "gemm/gemm_isa.h"

#if FI_X86
#include <immintrin.h>

#ifdef __AVX2__ /* not in tests/gemm_avx512_emu, which emulates only the kernels' intrinsics */
#include "gemm/gemm_pack_x86.h"
#define FI_PACK_T_F32 fi_pack_t_avx2_f32
#define FI_PACK_T_F64 fi_pack_t_avx2_f64
#else
#define FI_PACK_T_F32 NULL
#define FI_PACK_T_F64 NULL
#endif
#include "gemm/gemm_ukernel.h"

static inline __m512 fi_bcast_ps512(const float *p) { return _mm512_set1_ps(*p); }
static inline __m512d fi_bcast_pd512(const double *p) { return _mm512_set1_pd(*p); }

#define FI_AVX512_F32(KIND, NAME, R, NV)                                                     \
    KIND(NAME, float, __m512, R, NV, 16, _mm512_setzero_ps, _mm512_set1_ps, fi_bcast_ps512,    \
         _mm512_loadu_ps, _mm512_storeu_ps, _mm512_fmadd_ps, _mm512_mul_ps, _mm512_add_ps)
#define FI_AVX512_F64(KIND, NAME, R, NV)                                                     \
    KIND(NAME, double, __m512d, R, NV, 8, _mm512_setzero_pd, _mm512_set1_pd, fi_bcast_pd512,   \
         _mm512_loadu_pd, _mm512_storeu_pd, _mm512_fmadd_pd, _mm512_mul_pd, _mm512_add_pd)
/* defines fi_ukr_avx512_f32_packed, fi_ukr_avx512_f32_strided, fi_ukr_avx512_f32_half_packed,
 * fi_ukr_avx512_f32_half_strided, fi_ukr_avx512_f64_packed, fi_ukr_avx512_f64_strided,
 * fi_ukr_avx512_f64_half_packed, fi_ukr_avx512_f64_half_strided */
FI_AVX512_F32(FI_GEMM_UKERNEL, fi_ukr_avx512_f32, 12, 2)
FI_AVX512_F32(FI_GEMM_UKERNEL, fi_ukr_avx512_f32_half, 12, 1)
FI_AVX512_F64(FI_GEMM_UKERNEL, fi_ukr_avx512_f64, 12, 2)
FI_AVX512_F64(FI_GEMM_UKERNEL, fi_ukr_avx512_f64_half, 12, 1)

/* Short tiles of 1-11 rows (gemm_isa.h's part). */
#define FI_AVX512_PART(DT, FN, R)                                                            \
    DT(FI_GEMM_UKERNEL_PART, FN##R, R, 2) DT(FI_GEMM_UKERNEL_PART, FN##R##h, R, 1)
#define FI_AVX512_PARTS(DT, FN)                                                              \
    FI_AVX512_PART(DT, FN, 1) FI_AVX512_PART(DT, FN, 2) FI_AVX512_PART(DT, FN, 3)            \
    FI_AVX512_PART(DT, FN, 4) FI_AVX512_PART(DT, FN, 5) FI_AVX512_PART(DT, FN, 6)            \
    FI_AVX512_PART(DT, FN, 7) FI_AVX512_PART(DT, FN, 8) FI_AVX512_PART(DT, FN, 9)            \
    FI_AVX512_PART(DT, FN, 10) FI_AVX512_PART(DT, FN, 11)
#define FI_AVX512_PART_TABLE(FN)                                                             \
    {                                                                                        \
        {NULL, NULL}, {FN##1, FN##1h}, {FN##2, FN##2h}, {FN##3, FN##3h}, {FN##4, FN##4h},      \
            {FN##5, FN##5h}, {FN##6, FN##6h}, {FN##7, FN##7h}, {FN##8, FN##8h},              \
            {FN##9, FN##9h}, {FN##10, FN##10h}, {FN##11, FN##11h}                            \
    }
/* defines fi_ukr_avx512_f32_r1, fi_ukr_avx512_f32_r1h, fi_ukr_avx512_f32_r2,
 * fi_ukr_avx512_f32_r2h, fi_ukr_avx512_f32_r3, fi_ukr_avx512_f32_r3h, fi_ukr_avx512_f32_r4,
 * fi_ukr_avx512_f32_r4h, fi_ukr_avx512_f32_r5, fi_ukr_avx512_f32_r5h, fi_ukr_avx512_f32_r6,
 * fi_ukr_avx512_f32_r6h, fi_ukr_avx512_f32_r7, fi_ukr_avx512_f32_r7h, fi_ukr_avx512_f32_r8,
 * fi_ukr_avx512_f32_r8h, fi_ukr_avx512_f32_r9, fi_ukr_avx512_f32_r9h, fi_ukr_avx512_f32_r10,
 * fi_ukr_avx512_f32_r10h, fi_ukr_avx512_f32_r11, fi_ukr_avx512_f32_r11h, fi_ukr_avx512_f64_r1,
 * fi_ukr_avx512_f64_r1h, fi_ukr_avx512_f64_r2, fi_ukr_avx512_f64_r2h, fi_ukr_avx512_f64_r3,
 * fi_ukr_avx512_f64_r3h, fi_ukr_avx512_f64_r4, fi_ukr_avx512_f64_r4h, fi_ukr_avx512_f64_r5,
 * fi_ukr_avx512_f64_r5h, fi_ukr_avx512_f64_r6, fi_ukr_avx512_f64_r6h, fi_ukr_avx512_f64_r7,
 * fi_ukr_avx512_f64_r7h, fi_ukr_avx512_f64_r8, fi_ukr_avx512_f64_r8h, fi_ukr_avx512_f64_r9,
 * fi_ukr_avx512_f64_r9h, fi_ukr_avx512_f64_r10, fi_ukr_avx512_f64_r10h, fi_ukr_avx512_f64_r11,
 * fi_ukr_avx512_f64_r11h */
FI_AVX512_PARTS(FI_AVX512_F32, fi_ukr_avx512_f32_r)
FI_AVX512_PARTS(FI_AVX512_F64, fi_ukr_avx512_f64_r)

#ifdef __AVX2__
/* narrow4 (gemm_isa.h): 4 rows x 4 columns per vector, lanes 4r + j
 * holding C[r, j].  Per 4 steps of K each row's 4 values of A come in one
 * 128-bit load, and an in-lane shuffle broadcasts A(r, p) across its
 * row's lanes; B's 4 values per p are broadcast to all four rows.  G
 * groups of 4 rows give G independent FMA chains (12: enough to cover the
 * FMA latency).  Rows past m read row m - 1 and are never stored. */
FI_INLINE void fi_narrow4_rows_f32(int G, fi_index m, fi_index k, const float *a, fi_index rsa,
                                   const float *b, fi_index bs, float *c, fi_index ldc, int w,
                                   float alpha, float beta) {
    __m512 acc[12];
    const float *row[12][4];
    FI_UNROLL(12) for (int g = 0; g < G; g++) {
        acc[g] = _mm512_setzero_ps();
        for (int r = 0; r < 4; r++)
            row[g][r] = a + (4 * g + r < m ? 4 * g + r : m - 1) * rsa;
    }
    fi_index p = 0;
    for (; p + 4 <= k; p += 4) {
        __m512 bv[4];
        FI_UNROLL(4) for (int q = 0; q < 4; q++)
            bv[q] = _mm512_broadcast_f32x4(_mm_loadu_ps(b + (p + q) * bs));
        FI_UNROLL(12) for (int g = 0; g < G; g++) {
            __m512 z = _mm512_castps128_ps512(_mm_loadu_ps(row[g][0] + p));
            z = _mm512_insertf32x4(z, _mm_loadu_ps(row[g][1] + p), 1);
            z = _mm512_insertf32x4(z, _mm_loadu_ps(row[g][2] + p), 2);
            z = _mm512_insertf32x4(z, _mm_loadu_ps(row[g][3] + p), 3);
            acc[g] = _mm512_fmadd_ps(_mm512_shuffle_ps(z, z, 0x00), bv[0], acc[g]);
            acc[g] = _mm512_fmadd_ps(_mm512_shuffle_ps(z, z, 0x55), bv[1], acc[g]);
            acc[g] = _mm512_fmadd_ps(_mm512_shuffle_ps(z, z, 0xAA), bv[2], acc[g]);
            acc[g] = _mm512_fmadd_ps(_mm512_shuffle_ps(z, z, 0xFF), bv[3], acc[g]);
        }
    }
    for (; p < k; p++) {
        const __m512 bv = _mm512_broadcast_f32x4(_mm_loadu_ps(b + p * bs));
        FI_UNROLL(12) for (int g = 0; g < G; g++) {
            __m512 z = _mm512_castps128_ps512(_mm_set1_ps(row[g][0][p]));
            z = _mm512_insertf32x4(z, _mm_set1_ps(row[g][1][p]), 1);
            z = _mm512_insertf32x4(z, _mm_set1_ps(row[g][2][p]), 2);
            z = _mm512_insertf32x4(z, _mm_set1_ps(row[g][3][p]), 3);
            acc[g] = _mm512_fmadd_ps(z, bv, acc[g]);
        }
    }
    const __mmask8 cols = (__mmask8)((1u << w) - 1);
    const __m128 va = _mm_set1_ps(alpha), vb = _mm_set1_ps(beta);
    FI_UNROLL(12) for (int g = 0; g < G; g++) {
        __m128 t[4] = {_mm512_castps512_ps128(acc[g]), _mm512_extractf32x4_ps(acc[g], 1),
                       _mm512_extractf32x4_ps(acc[g], 2), _mm512_extractf32x4_ps(acc[g], 3)};
        for (int r = 0; r < 4 && 4 * g + r < m; r++) {
            float *cr = c + (4 * g + r) * ldc;
            __m128 v = _mm_mul_ps(va, t[r]);
            if (beta != 0.0f)
                v = _mm_add_ps(v, _mm_mul_ps(vb, _mm_maskz_loadu_ps(cols, cr)));
            _mm_mask_storeu_ps(cr, cols, v);
        }
    }
}

static void fi_narrow4_avx512_f32(fi_index m, fi_index k, const float *a, fi_index rsa,
                                  const float *b, fi_index bs, float *c, fi_index ldc, int w,
                                  float alpha, float beta) {
    fi_index i = 0;
    for (; i + 48 <= m; i += 48)
        fi_narrow4_rows_f32(12, 48, k, a + i * rsa, rsa, b, bs, c + i * ldc, ldc, w, alpha, beta);
    for (; i < m; i += 16)
        fi_narrow4_rows_f32(4, m - i, k, a + i * rsa, rsa, b, bs, c + i * ldc, ldc, w, alpha,
                            beta);
}
#define FI_NARROW4_F32 fi_narrow4_avx512_f32
#else
#define FI_NARROW4_F32 NULL
#endif

/* Server AVX-512 cores: 32-48 KiB L1d (a 256 x 32 float sliver of B is
 * 32 KiB), 1-2 MiB L2 (a 144 x 256 block of A), large shared L3.  float B
 * stays in place up to 2048 rows: on a 2-core Xeon (2 MiB L2) that made
 * 1000x100x100 1.08x faster on 2 threads and 1000x784x100 1.00-1.04x (the
 * AVX2 set keeps 512: there it cost 4-5% on 1000x784x100). */
const fi_gemm_kernels_f32 fi_gemm_avx512_f32 = {
    .mr = 12,
    .nr = 32,
    .mc = 144,
    .kc = 256,
    .nc = 3072,
    .strided_b_max_m = 2048,
    .full = {fi_ukr_avx512_f32_packed, fi_ukr_avx512_f32_strided},
    .half = {fi_ukr_avx512_f32_half_packed, fi_ukr_avx512_f32_half_strided},
    .pack_t = FI_PACK_T_F32,
    .part = FI_AVX512_PART_TABLE(fi_ukr_avx512_f32_r),
    .narrow4 = FI_NARROW4_F32,
};
const fi_gemm_kernels_f64 fi_gemm_avx512_f64 = {
    .mr = 12,
    .nr = 16,
    .mc = 144,
    .kc = 256,
    .nc = 3072,
    .strided_b_max_m = 512,
    .full = {fi_ukr_avx512_f64_packed, fi_ukr_avx512_f64_strided},
    .half = {fi_ukr_avx512_f64_half_packed, fi_ukr_avx512_f64_half_strided},
    .pack_t = FI_PACK_T_F64,
    .part = FI_AVX512_PART_TABLE(fi_ukr_avx512_f64_r),
};
#endif
