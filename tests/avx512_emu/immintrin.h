/* Plain-C emulation of the AVX-512 intrinsics csrc/random/distributions_avx512.c and
 * csrc/vmath/vmath_log.h use: compiled in place of the real <immintrin.h>, it lets
 * tests/test_random.py check the AVX-512 kernels bit for bit against the
 * generic C on machines without AVX-512 (semantics per Intel's guide). */
#ifndef EMU_IMMINTRIN_H
#define EMU_IMMINTRIN_H
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <stdlib.h>
typedef union { float f[16]; int32_t i[16]; uint32_t u[16]; int64_t l[8]; uint64_t q[8]; double d[8]; } emu512;
typedef emu512 __m512; typedef emu512 __m512i; typedef emu512 __m512d;
typedef uint16_t __mmask16; typedef uint8_t __mmask8;
typedef union { uint16_t h[16]; unsigned char b[32]; uint32_t u[8]; float f[8]; } emu256;
typedef emu256 __m256i; typedef emu256 __m256;
#define _CMP_EQ_OQ 0
#define _CMP_LT_OQ 1
#define _CMP_LE_OQ 2
#define _CMP_GE_OQ 29
#define _CMP_GT_OQ 30
#define _CMP_UNORD_Q 3
#define _MM_FROUND_TO_NEAREST_INT 0
#define _MM_FROUND_NO_EXC 8
#define E static inline
#define L16(...) { emu512 r; for (int k = 0; k < 16; k++) { __VA_ARGS__; } return r; }
#define L8(...) { emu512 r; for (int k = 0; k < 8; k++) { __VA_ARGS__; } return r; }
E emu512 _mm512_add_epi32(emu512 a, emu512 b) L16(r.u[k] = a.u[k] + b.u[k])
E emu512 _mm512_sub_epi32(emu512 a, emu512 b) L16(r.u[k] = a.u[k] - b.u[k])
E emu512 _mm512_add_epi64(emu512 a, emu512 b) L8(r.q[k] = a.q[k] + b.q[k])
E emu512 _mm512_add_ps(emu512 a, emu512 b) L16(r.f[k] = a.f[k] + b.f[k])
E emu512 _mm512_sub_ps(emu512 a, emu512 b) L16(r.f[k] = a.f[k] - b.f[k])
E emu512 _mm512_mul_ps(emu512 a, emu512 b) L16(r.f[k] = a.f[k] * b.f[k])
E emu512 _mm512_sqrt_ps(emu512 a) L16(r.f[k] = sqrtf(a.f[k]))
E emu512 _mm512_add_pd(emu512 a, emu512 b) L8(r.d[k] = a.d[k] + b.d[k])
E emu512 _mm512_sub_pd(emu512 a, emu512 b) L8(r.d[k] = a.d[k] - b.d[k])
E emu512 _mm512_mul_pd(emu512 a, emu512 b) L8(r.d[k] = a.d[k] * b.d[k])
E emu512 _mm512_div_pd(emu512 a, emu512 b) L8(r.d[k] = a.d[k] / b.d[k])
E emu512 _mm512_sqrt_pd(emu512 a) L8(r.d[k] = sqrt(a.d[k]))
E emu512 _mm512_and_si512(emu512 a, emu512 b) L8(r.q[k] = a.q[k] & b.q[k])
E emu512 _mm512_or_si512(emu512 a, emu512 b) L8(r.q[k] = a.q[k] | b.q[k])
E emu512 _mm512_xor_si512(emu512 a, emu512 b) L8(r.q[k] = a.q[k] ^ b.q[k])
E emu512 _mm512_ternarylogic_epi32(emu512 a, emu512 b, emu512 c, int imm) L16(r.u[k] = (imm == 0x96) ? (a.u[k] ^ b.u[k] ^ c.u[k]) : 0xdeadbeef)
E emu512 _mm512_castpd_si512(emu512 a) { return a; }
E emu512 _mm512_castps_si512(emu512 a) { return a; }
E emu512 _mm512_castsi512_pd(emu512 a) { return a; }
E emu512 _mm512_castsi512_ps(emu512 a) { return a; }
E __mmask16 _mm512_cmp_ps_mask(emu512 a, emu512 b, int p) { __mmask16 m = 0; for (int k = 0; k < 16; k++) if ((p == _CMP_LT_OQ && a.f[k] < b.f[k]) || (p == _CMP_UNORD_Q && (a.f[k] != a.f[k] || b.f[k] != b.f[k]))) m |= 1u << k; return m; }
/* float16 by the compiler's own _Float16 conversion (round to nearest even),
 * a NaN as vcvtps2ph makes it: quiet, sign and payload top kept */
E emu256 _mm512_cvtps_ph(emu512 a, int imm) { emu256 r; (void)imm; for (int k = 0; k < 16; k++) { if (a.f[k] != a.f[k]) r.h[k] = (uint16_t)(((a.u[k] >> 16) & 0x8000u) | 0x7e00u | ((a.u[k] >> 13) & 0x3ffu)); else { _Float16 h = (_Float16)a.f[k]; memcpy(&r.h[k], &h, 2); } } return r; }
E emu256 _mm512_cvtepi32_epi16(emu512 a) { emu256 r; for (int k = 0; k < 16; k++) r.h[k] = (uint16_t)a.u[k]; return r; }
E void _mm256_storeu_si256(void *p, emu256 a) { memcpy(p, &a, 32); }
E emu512 _mm512_loadu_ps(const void *p) { emu512 r; memcpy(&r, p, 64); return r; }
E int emu_cmp_d(double a, double b, int p) { return p == _CMP_EQ_OQ ? a == b : p == _CMP_LT_OQ ? a < b : p == _CMP_LE_OQ ? a <= b : p == _CMP_GE_OQ ? a >= b : p == _CMP_GT_OQ ? a > b : -1; }
E __mmask8 _mm512_cmp_pd_mask(emu512 a, emu512 b, int p) { __mmask8 m = 0; for (int k = 0; k < 8; k++) if (emu_cmp_d(a.d[k], b.d[k], p) == 1) m |= 1u << k; else if (emu_cmp_d(0, 0, p) < 0) abort(); return m; }
/* the truncated normal's: compress, scatter, 256-bit halves, conversions */
E emu512 _mm512_setzero_pd(void) L8(r.q[k] = 0)
E emu512 _mm512_loadu_pd(const void *p) { emu512 r; memcpy(&r, p, 64); return r; }
E emu512 _mm512_loadu_si512(const void *p) { emu512 r; memcpy(&r, p, 64); return r; }
E emu512 _mm512_maskz_compress_epi64(__mmask8 m, emu512 a) { emu512 r; int j = 0; for (int k = 0; k < 8; k++) if (m >> k & 1) r.q[j++] = a.q[k]; while (j < 8) r.q[j++] = 0; return r; }
E emu512 _mm512_maskz_compress_pd(__mmask8 m, emu512 a) { return _mm512_maskz_compress_epi64(m, a); }
E void _mm512_mask_i64scatter_pd(void *base, __mmask8 m, emu512 idx, emu512 v, int scale) { for (int k = 0; k < 8; k++) if (m >> k & 1) memcpy((char *)base + idx.l[k] * scale, &v.d[k], 8); }
E emu512 _mm512_mask_xor_epi64(emu512 s, __mmask8 m, emu512 a, emu512 b) L8(r.q[k] = (m >> k & 1) ? a.q[k] ^ b.q[k] : s.q[k])
E emu256 _mm512_castsi512_si256(emu512 a) { emu256 r; memcpy(&r, &a, 32); return r; }
E emu256 _mm512_extracti64x4_epi64(emu512 a, int i) { emu256 r; memcpy(&r, (char *)&a + 32 * (i & 1), 32); return r; }
E emu512 _mm512_cvtepu32_pd(emu256 a) L8(r.d[k] = (double)a.u[k])
E emu256 _mm512_cvtpd_ps(emu512 a) { emu256 r; for (int k = 0; k < 8; k++) r.f[k] = (float)a.d[k]; return r; }
E emu512 _mm512_castps256_ps512(emu256 a) { emu512 r; memset(&r, 0, 64); memcpy(&r, &a, 32); return r; }
E emu512 _mm512_insertf32x8(emu512 a, emu256 b, int i) { memcpy((char *)&a + 32 * (i & 1), &b, 32); return a; }
E emu512 _mm512_cvtepi32_ps(emu512 a) L16(r.f[k] = (float)a.i[k])
E emu512 _mm512_cvtepi64_pd(emu512 a) L8(r.d[k] = (double)a.l[k])
E emu512 _mm512_cvtepu64_pd(emu512 a) L8(r.d[k] = (double)a.q[k])
E emu512 _mm512_mask_add_pd(emu512 s, __mmask8 m, emu512 a, emu512 b) L8(r.d[k] = (m >> k & 1) ? a.d[k] + b.d[k] : s.d[k])
E emu512 _mm512_mask_sub_pd(emu512 s, __mmask8 m, emu512 a, emu512 b) L8(r.d[k] = (m >> k & 1) ? a.d[k] - b.d[k] : s.d[k])
E emu512 _mm512_mask_add_ps(emu512 s, __mmask16 m, emu512 a, emu512 b) L16(r.f[k] = (m >> k & 1) ? a.f[k] + b.f[k] : s.f[k])
E emu512 _mm512_mask_sub_epi32(emu512 s, __mmask16 m, emu512 a, emu512 b) L16(r.u[k] = (m >> k & 1) ? a.u[k] - b.u[k] : s.u[k])
E emu512 _mm512_mask_blend_epi32(__mmask16 m, emu512 a, emu512 b) L16(r.u[k] = (m >> k & 1) ? b.u[k] : a.u[k])
E emu512 _mm512_mask_blend_ps(__mmask16 m, emu512 a, emu512 b) L16(r.u[k] = (m >> k & 1) ? b.u[k] : a.u[k])
E emu512 _mm512_mask_blend_pd(__mmask8 m, emu512 a, emu512 b) L8(r.q[k] = (m >> k & 1) ? b.q[k] : a.q[k])
E emu512 _mm512_mul_epu32(emu512 a, emu512 b) L8(r.q[k] = (uint64_t)(uint32_t)a.q[k] * (uint32_t)b.q[k])
E emu512 _mm512_permutex2var_epi64(emu512 a, emu512 idx, emu512 b) L8(r.q[k] = (idx.q[k] & 8) ? b.q[idx.q[k] & 7] : a.q[idx.q[k] & 7])
E emu512 _mm512_set1_epi32(int v) L16(r.i[k] = v)
E emu512 _mm512_set1_epi64(long long v) L8(r.l[k] = v)
E emu512 _mm512_set1_ps(float v) L16(r.f[k] = v)
E emu512 _mm512_set1_pd(double v) L8(r.d[k] = v)
E emu512 _mm512_setr_epi64(long long e0, long long e1, long long e2, long long e3, long long e4, long long e5, long long e6, long long e7) { emu512 r; long long e[8] = {e0,e1,e2,e3,e4,e5,e6,e7}; for (int k = 0; k < 8; k++) r.l[k] = e[k]; return r; }
E emu512 _mm512_slli_epi32(emu512 a, unsigned n) L16(r.u[k] = n > 31 ? 0 : a.u[k] << n)
E emu512 _mm512_srli_epi32(emu512 a, unsigned n) L16(r.u[k] = n > 31 ? 0 : a.u[k] >> n)
E emu512 _mm512_slli_epi64(emu512 a, unsigned n) L8(r.q[k] = n > 63 ? 0 : a.q[k] << n)
E emu512 _mm512_srli_epi64(emu512 a, unsigned n) L8(r.q[k] = n > 63 ? 0 : a.q[k] >> n)
E __mmask16 _mm512_test_epi32_mask(emu512 a, emu512 b) { __mmask16 m = 0; for (int k = 0; k < 16; k++) if (a.u[k] & b.u[k]) m |= 1u << k; return m; }
E __mmask8 _mm512_test_epi64_mask(emu512 a, emu512 b) { __mmask8 m = 0; for (int k = 0; k < 8; k++) if (a.q[k] & b.q[k]) m |= 1u << k; return m; }
E emu512 _mm512_unpacklo_epi64(emu512 a, emu512 b) L8(r.q[k] = (k & 1) ? b.q[k - 1] : a.q[k])
E emu512 _mm512_unpackhi_epi64(emu512 a, emu512 b) L8(r.q[k] = (k & 1) ? b.q[k] : a.q[k + 1])
E emu512 _mm512_unpacklo_pd(emu512 a, emu512 b) { return _mm512_unpacklo_epi64(a, b); }
E emu512 _mm512_unpackhi_pd(emu512 a, emu512 b) { return _mm512_unpackhi_epi64(a, b); }
/* per 128-bit lane L: lo = a0 b0 a1 b1, hi = a2 b2 a3 b3 */
E emu512 _mm512_unpacklo_ps(emu512 a, emu512 b) L16(int L = k / 4, j = k % 4; r.u[k] = (j & 1) ? b.u[4 * L + j / 2] : a.u[4 * L + j / 2])
E emu512 _mm512_unpackhi_ps(emu512 a, emu512 b) L16(int L = k / 4, j = k % 4; r.u[k] = (j & 1) ? b.u[4 * L + 2 + j / 2] : a.u[4 * L + 2 + j / 2])
E void _mm512_storeu_si512(void *p, emu512 a) { memcpy(p, &a, 64); }
E void _mm512_storeu_ps(void *p, emu512 a) { memcpy(p, &a, 64); }
E void _mm512_storeu_pd(void *p, emu512 a) { memcpy(p, &a, 64); }
#endif
