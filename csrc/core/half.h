/* half.h: the 16-bit float formats fastinit writes (float16 and bfloat16)
 * and the exact float32 -> 16-bit rounding every kernel set must match.
 *
 * A 16-bit fill is the float32 fill rounded element by element: round to
 * nearest, ties to even, subnormals kept (never flushed), overflow to
 * infinity exactly where IEEE rounding puts it (float16: |x| >= 65520;
 * bfloat16: beyond FLT_MAX's rounding, as float32 itself).  A NaN stays a
 * quiet NaN with its sign and the top bits of its payload, as F16C's
 * vcvtps2ph and AVX-512 BF16's vcvtneps2bf16 produce it.  These scalar
 * functions are the reference; the SIMD stores (distributions_avx2.c,
 * distributions_avx512.c) equal them bit for bit. */
#ifndef FASTINIT_HALF_H
#define FASTINIT_HALF_H

#include <stdint.h>
#include <string.h>

#include "core/fastinit.h"

/* What a float kernel writes: float32 itself or one of the 16-bit formats.
 * Checked against fastinit/_core.pxd's cpdef enum at import. */
typedef enum fi_out_fmt {
    FI_OUT_F32 = 0,
    FI_OUT_F16 = 1,
    FI_OUT_BF16 = 2,
    FI_OUT_FMT_COUNT
} fi_out_fmt;
/* Internal to the AVX-512 kernels: bfloat16 by vcvtneps2bf16 (the same bits
 * as FI_OUT_BF16 once subnormal lanes are fixed up). */
#define FI_OUT_BF16_HW 3

static inline uint32_t fi_f32_bits(float v) {
    uint32_t x;
    memcpy(&x, &v, sizeof x);
    return x;
}

/* defines fi_f32_to_bf16 */
static inline uint16_t fi_f32_to_bf16(float v) {
    uint32_t x = fi_f32_bits(v);
    if ((x & 0x7fffffffu) > 0x7f800000u) /* NaN: quiet it, keep sign and payload top */
        return (uint16_t)((x >> 16) | 0x0040u);
    /* ties to even: add 0x7fff plus the lowest kept bit; a carry into the
     * exponent is exactly the rounding up to the next binade (or to inf) */
    return (uint16_t)((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

/* defines fi_f32_to_f16 */
static inline uint16_t fi_f32_to_f16(float v) {
    uint32_t x = fi_f32_bits(v);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
    uint32_t a = x & 0x7fffffffu;
    if (a > 0x7f800000u) /* NaN */
        return (uint16_t)(sign | 0x7e00u | ((a >> 13) & 0x03ffu));
    if (a >= 0x477ff000u) /* >= 65520 (or inf): rounds to infinity */
        return (uint16_t)(sign | 0x7c00u);
    if (a >= 0x38800000u) { /* a float16 normal: rebias the exponent, round 13 bits off */
        uint32_t m = a - 0x38000000u;
        return (uint16_t)(sign | ((m + 0x0fffu + ((m >> 13) & 1u)) >> 13));
    }
    if (a <= 0x33000000u) /* <= 2^-25, half the smallest subnormal: ties to zero */
        return sign;
    /* a float16 subnormal: the 24-bit significand shifted right by 14..24 */
    uint32_t e = a >> 23, mant = (a & 0x007fffffu) | 0x00800000u;
    uint32_t shift = 126u - e;
    uint32_t r = mant >> shift, rem = mant & ((1u << shift) - 1u), half = 1u << (shift - 1u);
    if (rem > half || (rem == half && (r & 1u)))
        r++; /* may carry into the smallest normal: the right bits too */
    return (uint16_t)(sign | r);
}

/* Element k of a float kernel's output in format fmt. */
static inline void fi_store_f32(int fmt, void *out, fi_index k, float v) {
    if (fmt == FI_OUT_F32)
        ((float *)out)[k] = v;
    else if (fmt == FI_OUT_F16)
        ((uint16_t *)out)[k] = fi_f32_to_f16(v);
    else
        ((uint16_t *)out)[k] = fi_f32_to_bf16(v);
}

/* Bytes per element of format fmt. */
static inline size_t fi_out_size(int fmt) { return fmt == FI_OUT_F32 ? 4 : 2; }

#endif
