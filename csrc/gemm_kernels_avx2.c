/* AVX2/FMA GEMM micro-kernels: 6x16 float, 6x8 double (see gemm_internal.h).
 *
 * 6 rows x 2 vectors = 12 accumulators + 2 B vectors + 1 broadcast = 15 of
 * the 16 ymm registers: the largest tile that never spills, and 12
 * independent FMA chains hide the FMA latency (4 cycles x 2 ports). */
#include "gemm_internal.h"

#if FI_X86
#include <immintrin.h>

#include "gemm_ukernel.h"

#define FI_AVX2_F32(KIND, NAME, R, NV)                                                       \
    KIND(NAME, float, __m256, R, NV, 8, _mm256_setzero_ps, _mm256_set1_ps,                   \
         _mm256_broadcast_ss, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_fmadd_ps,              \
         _mm256_mul_ps, _mm256_add_ps)
#define FI_AVX2_F64(KIND, NAME, R, NV)                                                       \
    KIND(NAME, double, __m256d, R, NV, 4, _mm256_setzero_pd, _mm256_set1_pd,                 \
         _mm256_broadcast_sd, _mm256_loadu_pd, _mm256_storeu_pd, _mm256_fmadd_pd,              \
         _mm256_mul_pd, _mm256_add_pd)
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
FI_AVX2_PARTS(FI_AVX2_F32, fi_ukr_avx2_f32_r)
FI_AVX2_PARTS(FI_AVX2_F64, fi_ukr_avx2_f64_r)

/* Transposing pack of a full panel, dst[p * R + r] = src[r * rs + p]
 * (rows of op(A) or columns of op(B) contiguous along K, e.g. B for
 * x @ W.T): 8 x 8 (float) / 4 x 4 (double) register transposes instead of
 * one scalar store per element. */
/* 8 x 8 transpose: r[i] holds 8 values of row i; afterwards c[j] holds
 * column j (its element i from r[i]). */
FI_INLINE void fi_transpose8_avx2(__m256 r[8], __m256 c[8]) {
    __m256 t[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
        r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    /* r[0..3]: columns 0,1,2,3 of rows 0-3 | 4-7 per lane half */
    for (int i = 0; i < 4; i++) {
        c[i] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x20);
        c[i + 4] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x31);
    }
}

/* The MR = 6 panel of A (x @ W with A packed, e.g. large products): 8
 * values of each row per step, transposed as 8 x 8 with two zero rows; each
 * column's 6 values are stored with an 8-wide store whose 2 extra lanes the
 * next store overwrites (the last one stores exactly 6). */
static void fi_pack6_t_avx2_f32(const float *src, fi_index rs, fi_index len,
                                float *FI_RESTRICT dst) {
    fi_index p = 0;
    for (; p + 8 <= len; p += 8) {
        __m256 r[8], c[8];
        for (int i = 0; i < 6; i++)
            r[i] = _mm256_loadu_ps(src + i * rs + p);
        r[6] = r[7] = _mm256_setzero_ps();
        fi_transpose8_avx2(r, c);
        float *d = dst + p * 6;
        for (int j = 0; j < 7; j++)
            _mm256_storeu_ps(d + j * 6, c[j]);
        _mm_storeu_ps(d + 42, _mm256_castps256_ps128(c[7]));
        _mm_storel_pi((__m64 *)(d + 46), _mm256_extractf128_ps(c[7], 1));
    }
    for (; p < len; p++)
        for (int r = 0; r < 6; r++)
            dst[p * 6 + r] = src[r * rs + p];
}

static void fi_pack_t_avx2_f32(const float *src, fi_index rs, int R, fi_index len,
                               float *FI_RESTRICT dst) {
    if (R == 6) {
        fi_pack6_t_avx2_f32(src, rs, len, dst);
        return;
    }
    fi_index p = 0;
    const int rv = R & ~7; /* rows done in 8 x 8 blocks; the rest one by one */
    for (int r = rv; r < R; r++)
        for (fi_index q = 0; q < len; q++)
            dst[q * R + r] = src[r * rs + q];
    for (; p + 8 <= len; p += 8)
        for (int r0 = 0; r0 < rv; r0 += 8) {
            const float *s = src + r0 * rs + p;
            __m256 r[8], c[8];
            for (int i = 0; i < 8; i++)
                r[i] = _mm256_loadu_ps(s + i * rs);
            fi_transpose8_avx2(r, c);
            float *d = dst + p * R + r0;
            for (int j = 0; j < 8; j++)
                _mm256_storeu_ps(d + j * R, c[j]);
        }
    for (; p < len; p++)
        for (int r = 0; r < rv; r++)
            dst[p * R + r] = src[r * rs + p];
}

static void fi_pack_t_avx2_f64(const double *src, fi_index rs, int R, fi_index len,
                               double *FI_RESTRICT dst) {
    fi_index p = 0;
    const int rv = R & ~3;
    for (int r = rv; r < R; r++)
        for (fi_index q = 0; q < len; q++)
            dst[q * R + r] = src[r * rs + q];
    for (; p + 4 <= len; p += 4)
        for (int r0 = 0; r0 < rv; r0 += 4) {
            const double *s = src + r0 * rs + p;
            __m256d a = _mm256_loadu_pd(s), b = _mm256_loadu_pd(s + rs);
            __m256d c = _mm256_loadu_pd(s + 2 * rs), e = _mm256_loadu_pd(s + 3 * rs);
            __m256d t0 = _mm256_unpacklo_pd(a, b), t1 = _mm256_unpackhi_pd(a, b);
            __m256d t2 = _mm256_unpacklo_pd(c, e), t3 = _mm256_unpackhi_pd(c, e);
            double *d = dst + p * R + r0;
            _mm256_storeu_pd(d, _mm256_permute2f128_pd(t0, t2, 0x20));
            _mm256_storeu_pd(d + R, _mm256_permute2f128_pd(t1, t3, 0x20));
            _mm256_storeu_pd(d + 2 * R, _mm256_permute2f128_pd(t0, t2, 0x31));
            _mm256_storeu_pd(d + 3 * R, _mm256_permute2f128_pd(t1, t3, 0x31));
        }
    for (; p < len; p++)
        for (int r = 0; r < rv; r++)
            dst[p * R + r] = src[r * rs + p];
}

/* Zen 3: 32 KiB L1d holds a 256 x 16 float sliver of B (16 KiB) with room
 * for A and C; 512 KiB L2 holds a 144 x 256 block of A (144 KiB) plus
 * streams; 32 MiB L3 holds the 256 x 4080 panel of B (4 MiB). */
const fi_gemm_kernels_f32 fi_gemm_avx2_f32 = {
    6, 16, 144, 256, 4080, 512, {fi_ukr_avx2_f32_packed, fi_ukr_avx2_f32_strided},
    {fi_ukr_avx2_f32_half_packed, fi_ukr_avx2_f32_half_strided}, fi_pack_t_avx2_f32,
    FI_AVX2_PART_TABLE(fi_ukr_avx2_f32_r)};
const fi_gemm_kernels_f64 fi_gemm_avx2_f64 = {
    6, 8, 72, 256, 4080, 512, {fi_ukr_avx2_f64_packed, fi_ukr_avx2_f64_strided},
    {fi_ukr_avx2_f64_half_packed, fi_ukr_avx2_f64_half_strided}, fi_pack_t_avx2_f64,
    FI_AVX2_PART_TABLE(fi_ukr_avx2_f64_r)};
#endif
