/* gemm_pack_x86.h: transposing packers for the x86 kernel sets (AVX2
 * instructions: both gemm_kernels_avx2.c and gemm_kernels_avx512.c are
 * compiled with them), shared so both sets pack with the same code.
 *
 * A full panel, dst[p * R + r] = src[r * rs + p]: rows of op(A) (A packed
 * for large products) or columns of op(B) contiguous along K (B for
 * x @ W.T).  8 x 8 (float) / 4 x 4 (double) register transposes instead of
 * one scalar store per element; a scalar store per element cost 6% of a
 * 2048^3 sgemm with the AVX-512 set's 12-row A panels. */
#ifndef FASTINIT_GEMM_PACK_X86_H
#define FASTINIT_GEMM_PACK_X86_H

#include <immintrin.h>

#include "gemm/gemm_isa.h"

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

/* The MR = 6 panel of A (the AVX2 set): 8 values of each row per step,
 * transposed as 8 x 8 with two zero rows; each column's 6 values are
 * stored with an 8-wide store whose 2 extra lanes the next store
 * overwrites (the last one stores exactly 6). */
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

/* Any R: rows in blocks of 8, then a block of 4 (an 8 x 8 transpose with
 * four zero rows, storing the low half of each column: the AVX-512 set's
 * 12-row panels), then single rows. */
static void fi_pack_t_avx2_f32(const float *src, fi_index rs, int R, fi_index len,
                               float *FI_RESTRICT dst) {
    if (R == 6) {
        fi_pack6_t_avx2_f32(src, rs, len, dst);
        return;
    }
    fi_index p = 0;
    const int r8 = R & ~7, rv = R & ~3; /* rows in 8 x 8 blocks, then one 4-row block */
    for (int r = rv; r < R; r++)
        for (fi_index q = 0; q < len; q++)
            dst[q * R + r] = src[r * rs + q];
    for (; p + 8 <= len; p += 8) {
        for (int r0 = 0; r0 < r8; r0 += 8) {
            const float *s = src + r0 * rs + p;
            __m256 r[8], c[8];
            for (int i = 0; i < 8; i++)
                r[i] = _mm256_loadu_ps(s + i * rs);
            fi_transpose8_avx2(r, c);
            float *d = dst + p * R + r0;
            for (int j = 0; j < 8; j++)
                _mm256_storeu_ps(d + j * R, c[j]);
        }
        if (rv > r8) {
            const float *s = src + r8 * rs + p;
            __m256 r[8], c[8];
            for (int i = 0; i < 4; i++)
                r[i] = _mm256_loadu_ps(s + i * rs);
            r[4] = r[5] = r[6] = r[7] = _mm256_setzero_ps();
            fi_transpose8_avx2(r, c);
            float *d = dst + p * R + r8;
            for (int j = 0; j < 8; j++)
                _mm_storeu_ps(d + j * R, _mm256_castps256_ps128(c[j]));
        }
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

#endif
