/* gemm_isa.h (internal): the contract between the GEMM driver (gemm.c) and the
 * per-ISA micro-kernels (gemm_kernels_*.c).  Not part of the public API.
 *
 * A micro-kernel computes one full MR x NR tile of C:
 *
 *   C[i, j] = alpha * sum_p A(i, p) * B(p, j)            (beta == 0)
 *   C[i, j] = alpha * sum_p A(i, p) * B(p, j) + beta * C  (beta != 0)
 *
 * B is always packed: NR consecutive values per p (b[p * NR + j]).  A is
 * either packed (MR consecutive values per p, a[p * MR + i]) for the
 * "packed" kernel, or read in place at a[i * rsa + p * csa] for the
 * "strided" kernel, which lets small products skip packing A.
 *
 * Every path must round identically so that the thread count, the tile a
 * value falls in (full or edge) and whether A was packed never change the
 * result: the sum over p runs in increasing p with one rounding per step
 * (FMA in the SIMD kernels), then alpha * sum is rounded, and with beta != 0
 * beta * C is rounded and added -- separate multiply and add, never fused,
 * so fi_gemm_merge_tile (plain C) reproduces it exactly for edge tiles.
 * The summation inside a kernel set is fixed; different kernel sets (avx2
 * vs generic) agree only to rounding. */
#ifndef FASTINIT_GEMM_ISA_H
#define FASTINIT_GEMM_ISA_H

#include "core/fastinit.h"

typedef void (*fi_ukernel_f32)(fi_index k, const float *a, fi_index rsa, fi_index csa,
                               const float *b, fi_index bs, float *c, fi_index ldc,
                               float alpha, float beta);
typedef void (*fi_ukernel_f64)(fi_index k, const double *a, fi_index rsa, fi_index csa,
                               const double *b, fi_index bs, double *c, fi_index ldc,
                               double alpha, double beta);

/* Largest mr of any kernel set. */
#define FI_GEMM_MAX_MR 12

/* Register tile (mr x nr) and cache blocks: a kc x nr sliver of packed B
 * stays in L1, an mc x kc block of packed A in L2, a kc x nc panel of B in
 * L3.  mc is a multiple of mr and nc of nr. */
typedef struct {
    int mr, nr;
    fi_index mc, kc, nc;
    /* B is read in place (see gemm.c) for products of at most this many rows */
    fi_index strided_b_max_m;
    /* [0]: A packed (rsa/csa ignored), [1]: A read in place.  full computes
     * mr x nr; half computes mr x nr/2 from the same packed B (for a last
     * sliver with at most nr/2 columns left). */
    fi_ukernel_f32 full[2], half[2];
    /* optional: dst[p * R + r] = src[r * rs + p] for a full panel of R
     * rows; NULL uses the portable packer */
    void (*pack_t)(const float *src, fi_index rs, int R, fi_index len, float *dst);
    /* optional: part[r][narrow] computes a short tile of r < mr rows (nr or
     * nr/2 columns), reading A at a[i * rsa + p * csa] (a packed panel: rsa
     * 1, csa mr), with the full kernel's operations, so a short last tile
     * costs ~r/mr of a full one and needs no zero-padded copy; NULL: the
     * driver pads the rows and runs the full kernel.  A set has both
     * widths of a height or neither (the driver decides once per tile row). */
    fi_ukernel_f32 part[FI_GEMM_MAX_MR][2];
    /* optional: the last w <= 4 columns of C (a last sliver of B, packed
     * bs values per p, zero-padded to at least 4) for m rows of A read in
     * place (a[i * rsa + p], rows of op(A) contiguous), with the full
     * kernel's operations per element; four rows share one vector, so such
     * a sliver costs about a quarter of the half-width kernel's
     * multiply-adds.  NULL: not used. */
    void (*narrow4)(fi_index m, fi_index k, const float *a, fi_index rsa, const float *b,
                    fi_index bs, float *c, fi_index ldc, int w, float alpha, float beta);
} fi_gemm_kernels_f32;

typedef struct {
    int mr, nr;
    fi_index mc, kc, nc, strided_b_max_m;
    fi_ukernel_f64 full[2], half[2];
    void (*pack_t)(const double *src, fi_index rs, int R, fi_index len, double *dst);
    fi_ukernel_f64 part[FI_GEMM_MAX_MR][2];
    /* as for float; no set has one yet (the driver is shared) */
    void (*narrow4)(fi_index m, fi_index k, const double *a, fi_index rsa, const double *b,
                    fi_index bs, double *c, fi_index ldc, int w, double alpha, double beta);
} fi_gemm_kernels_f64;

/* Largest mr * nr of any kernel set: size of the edge-tile buffer. */
#define FI_GEMM_MAX_TILE (16 * 32)

extern const fi_gemm_kernels_f32 fi_gemm_generic_f32;
extern const fi_gemm_kernels_f64 fi_gemm_generic_f64;
#if FI_X86
extern const fi_gemm_kernels_f32 fi_gemm_avx2_f32;
extern const fi_gemm_kernels_f64 fi_gemm_avx2_f64;
extern const fi_gemm_kernels_f32 fi_gemm_avx512_f32;
extern const fi_gemm_kernels_f64 fi_gemm_avx512_f64;
#endif

#endif
