/* Runtime ISA detection.  The chosen set is a process-wide setting kept
 * with the others in runtime.c (fi_active_isa, fi_set_isa). */
#include "core/cpu.h"

#include <stdlib.h>
#include <string.h>

#if FI_X86 && defined(_MSC_VER)
#include <intrin.h>
#include <immintrin.h>
#elif FI_X86 && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#endif

#if FI_X86 && defined(_MSC_VER)
static int fi_os_saves(unsigned long long mask) {
    int info[4];
    __cpuid(info, 1);
    if (!(info[2] & (1 << 27))) /* OSXSAVE */
        return 0;
    return (_xgetbv(0) & mask) == mask;
}
#endif

fi_isa fi_cpu_best_isa(void) {
#if FI_X86 && (defined(__GNUC__) || defined(__clang__))
    /* libgcc / compiler-rt check XCR0, so "supported" means the OS saves the
     * wide registers too. */
    __builtin_cpu_init();
    /* F16C (leaf 1, ECX bit 29): the float16 stores of every SIMD set */
    unsigned l1a, l1b, l1c = 0, l1d;
    if (!__get_cpuid(1, &l1a, &l1b, &l1c, &l1d) || !((l1c >> 29) & 1))
        return FI_ISA_GENERIC;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
        return FI_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return FI_ISA_AVX2;
    return FI_ISA_GENERIC;
#elif FI_X86 && defined(_MSC_VER)
    int info[4];
    __cpuid(info, 0);
    if (info[0] < 7)
        return FI_ISA_GENERIC;
    int f1[4], f7[4];
    __cpuid(f1, 1);
    __cpuidex(f7, 7, 0);
    int fma = (f1[2] >> 12) & 1, avx2 = (f7[1] >> 5) & 1;
    if (!((f1[2] >> 29) & 1)) /* F16C: the float16 stores of every SIMD set */
        return FI_ISA_GENERIC;
    int avx512 = ((f7[1] >> 16) & 1) && ((f7[1] >> 17) & 1) && ((f7[1] >> 30) & 1) &&
                 ((f7[1] >> 31) & 1);
    if (avx512 && fi_os_saves(0xE6))
        return FI_ISA_AVX512;
    if (avx2 && fma && fi_os_saves(0x6))
        return FI_ISA_AVX2;
    return FI_ISA_GENERIC;
#else
    return FI_ISA_GENERIC;
#endif
}

int fi_cpu_has_avx512bf16(void) {
    static int has = -1; /* a race only computes the same value twice */
    if (has < 0) {
        int h = 0;
#if FI_X86 && (defined(__GNUC__) || defined(__clang__))
        unsigned a = 0, b, c, d;
        if (fi_cpu_best_isa() == FI_ISA_AVX512 && __get_cpuid_count(7, 1, &a, &b, &c, &d))
            h = (a >> 5) & 1; /* leaf 7 subleaf 1, EAX bit 5 */
#elif FI_X86 && defined(_MSC_VER)
        int info[4];
        __cpuidex(info, 7, 1);
        h = fi_cpu_best_isa() == FI_ISA_AVX512 && ((info[0] >> 5) & 1);
#endif
        has = h;
    }
    return has;
}

const char *fi_isa_name(fi_isa isa) {
    switch (isa) {
    case FI_ISA_AVX512: return "avx512";
    case FI_ISA_AVX2: return "avx2";
    default: return "generic";
    }
}

int fi_isa_from_name(const char *name) {
    if (!name)
        return -1;
    if (strcmp(name, "generic") == 0) return FI_ISA_GENERIC;
    if (strcmp(name, "avx2") == 0) return FI_ISA_AVX2;
    if (strcmp(name, "avx512") == 0) return FI_ISA_AVX512;
    return -1;
}
