/* distributions_isa.h (internal): the kernels each SIMD set provides for
 * the random fills, called by distributions.c (dispatch and the generic
 * head/tail of each range) and defined by distributions_avx2.c and
 * distributions_avx512.c from the template distributions_simd.h.
 *
 * Each fills `ngroups` groups of FI_GROUP_* whole blocks starting at absolute
 * block `block`: uniform/normal f32 write 4 floats per block, f64 2 doubles.
 * Arithmetic identical to the generic path (distributions.h).  The f32
 * kernels write format `fmt` (core/half.h): float32, or each float rounded
 * to float16 or bfloat16 in registers, as fi_store_f32 rounds it. */
#ifndef FASTINIT_DISTRIBUTIONS_ISA_H
#define FASTINIT_DISTRIBUTIONS_ISA_H

#include "core/half.h"
#include "random/distributions.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FI_GROUP_AVX2 16
#define FI_GROUP_AVX512 16
/* 1 when the AVX-512 kernels store bfloat16 with vcvtneps2bf16 (compiled
 * with it and the CPU has it), 0 when with integer rounding. */
int fi_bf16_store_hw_avx512(void);
void fi_round_h16_avx2(fi_index n, const float *in, int fmt, uint16_t *out);
void fi_round_h16_avx512(fi_index n, const float *in, int fmt, uint16_t *out);
void fi_philox_words_avx2(const fi_rng *g, uint64_t block, fi_index ngroups, uint32_t *out);
void fi_uniform_f32_avx2(const fi_rng *g, uint64_t block, fi_index ngroups, float low,
                         float span, int fmt, void *out);
void fi_uniform_f64_avx2(const fi_rng *g, uint64_t block, fi_index ngroups, double low,
                         double span, double *out);
void fi_normal_f32_avx2(const fi_rng *g, uint64_t block, fi_index ngroups, float mean,
                        float std, int fmt, void *out);
void fi_normal_f64_avx2(const fi_rng *g, uint64_t block, fi_index ngroups, double mean,
                        double std, double *out);
/* prm: mean, std, lo, hi, Phi(lo), Phi(hi) - Phi(lo); flip: negate z. */
void fi_truncated_f32_avx2(const fi_rng *g, uint64_t block, fi_index ngroups,
                           const double prm[6], int flip, int fmt, void *out);
void fi_truncated_f64_avx2(const fi_rng *g, uint64_t block, fi_index ngroups,
                           const double prm[6], int flip, double *out);
void fi_truncated_f32_avx512(const fi_rng *g, uint64_t block, fi_index ngroups,
                             const double prm[6], int flip, int fmt, void *out);
void fi_truncated_f64_avx512(const fi_rng *g, uint64_t block, fi_index ngroups,
                             const double prm[6], int flip, double *out);
void fi_philox_words_avx512(const fi_rng *g, uint64_t block, fi_index ngroups, uint32_t *out);
void fi_uniform_f32_avx512(const fi_rng *g, uint64_t block, fi_index ngroups, float low,
                           float span, int fmt, void *out);
void fi_uniform_f64_avx512(const fi_rng *g, uint64_t block, fi_index ngroups, double low,
                           double span, double *out);
void fi_normal_f32_avx512(const fi_rng *g, uint64_t block, fi_index ngroups, float mean,
                          float std, int fmt, void *out);
void fi_normal_f64_avx512(const fi_rng *g, uint64_t block, fi_index ngroups, double mean,
                          double std, double *out);

#ifdef __cplusplus
}
#endif
#endif /* FASTINIT_DISTRIBUTIONS_ISA_H */
