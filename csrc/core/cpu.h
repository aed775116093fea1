/* cpu.h: runtime choice of the SIMD kernel set.
 *
 * The best set the CPU and OS support is chosen on first use; the
 * environment variable FASTINIT_SIMD=generic|avx2|avx512 lowers it (asking
 * for more than the CPU has falls back to the best available), and
 * fi_set_isa() changes it at run time so tests can exercise every path. */
#ifndef FASTINIT_CPU_H
#define FASTINIT_CPU_H

#include "core/fastinit.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fi_isa {
    FI_ISA_GENERIC = 0,
    FI_ISA_AVX2 = 1,
    FI_ISA_AVX512 = 2,
    FI_ISA_COUNT /* members; fastinit._core checks its enum against this at import */
} fi_isa;

fi_isa fi_cpu_best_isa(void);   /* what this CPU + OS can run */
fi_isa fi_active_isa(void);     /* what kernels dispatch to now */
fi_isa fi_set_isa(fi_isa want); /* clamps to the best available; returns the result */
const char *fi_isa_name(fi_isa isa);
/* 1 when the CPU has AVX-512 BF16 (vcvtneps2bf16), which the AVX-512
 * kernels use for bfloat16 stores where they were compiled with it. */
int fi_cpu_has_avx512bf16(void);
int fi_isa_from_name(const char *name); /* -1 if unknown */

#ifdef __cplusplus
}
#endif
#endif
