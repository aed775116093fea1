/* Plain-C emulation of the AVX-512 intrinsics csrc/gemm/gemm_kernels_avx512.c
 * uses: compiled in place of the real <immintrin.h>, it lets
 * tests/test_linalg.py run the AVX-512 GEMM micro-kernels on machines
 * without AVX-512 (FMA through fmaf/fma: one rounding, as the hardware). */
#ifndef GEMM_EMU_IMMINTRIN_H
#define GEMM_EMU_IMMINTRIN_H
#include <math.h>
#include <string.h>
typedef struct { float f[16]; } __m512;
typedef struct { double d[8]; } __m512d;
#define _MM_HINT_T0 3
#define _MM_HINT_T1 2
#define _mm_prefetch(p, h) ((void)(p), (void)(h))
#define E static inline
#define L16(...) { __m512 r; for (int k = 0; k < 16; k++) { __VA_ARGS__; } return r; }
#define L8(...) { __m512d r; for (int k = 0; k < 8; k++) { __VA_ARGS__; } return r; }
E __m512 _mm512_setzero_ps(void) L16(r.f[k] = 0.0f)
E __m512 _mm512_set1_ps(float v) L16(r.f[k] = v)
E __m512 _mm512_loadu_ps(const void *p) { __m512 r; memcpy(&r, p, 64); return r; }
E void _mm512_storeu_ps(void *p, __m512 a) { memcpy(p, &a, 64); }
E __m512 _mm512_fmadd_ps(__m512 a, __m512 b, __m512 c) L16(r.f[k] = fmaf(a.f[k], b.f[k], c.f[k]))
E __m512 _mm512_mul_ps(__m512 a, __m512 b) L16(r.f[k] = a.f[k] * b.f[k])
E __m512 _mm512_add_ps(__m512 a, __m512 b) L16(r.f[k] = a.f[k] + b.f[k])
E __m512d _mm512_setzero_pd(void) L8(r.d[k] = 0.0)
E __m512d _mm512_set1_pd(double v) L8(r.d[k] = v)
E __m512d _mm512_loadu_pd(const void *p) { __m512d r; memcpy(&r, p, 64); return r; }
E void _mm512_storeu_pd(void *p, __m512d a) { memcpy(p, &a, 64); }
E __m512d _mm512_fmadd_pd(__m512d a, __m512d b, __m512d c) L8(r.d[k] = fma(a.d[k], b.d[k], c.d[k]))
E __m512d _mm512_mul_pd(__m512d a, __m512d b) L8(r.d[k] = a.d[k] * b.d[k])
E __m512d _mm512_add_pd(__m512d a, __m512d b) L8(r.d[k] = a.d[k] + b.d[k])
#endif
