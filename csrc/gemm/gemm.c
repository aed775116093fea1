/* Packed, cache-blocked GEMM (BLIS-style) with a fused bias+activation
 * epilogue.  The driver lives in gemm_driver.h, instantiated below for
 * float and double; micro-kernels are in gemm_kernels_*.c. */
#include "gemm/gemm.h"

#include <stdlib.h>
#include <string.h>

#include "core/cpu.h"
#include "elementwise/elementwise.h"
#include "core/atomics.h"
#include "core/pool.h"
#include "gemm/gemm_isa.h"

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF /* edge-tile merge must round like the kernels */
#endif

/* Copy loops over rows of a few values: GCC would turn each row into a
 * libc memmove call, which costs more than the copy. */
#if defined(__GNUC__) && !defined(__clang__)
#define FI_NO_LIBC_LOOPS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define FI_NO_LIBC_LOOPS
#endif

/* Products below this many multiply-adds per thread stay on one thread: a
 * fork/join costs a few microseconds, about 2^18 FMAs on one core. */
#define FI_GEMM_MIN_WORK_PER_THREAD (double)(1 << 18)
/* Read A in place (no packing) when op(A) is not transposed and C has at
 * most this many columns, i.e. A is reused for only a few B slivers. */
#define FI_GEMM_STRIDED_A_MAX_N 512

/* Read B in place (pack only a partial last sliver) when op(B) is not
 * transposed and C is short: each sliver then serves at most a few dozen
 * tiles of A per thread, too few to repay a packed copy and the barrier
 * that shares it (1.01-1.05x for the seed net's shapes on 1 thread; above
 * the kernel set's strided_b_max_m rows the packed panel is reused enough
 * to pay).  Row strides that are a multiple of 2 KiB stay packed: their
 * rows share a few L1 sets. */
#define FI_GEMM_STRIDED_B_MAX_N 512
#define FI_GEMM_STRIDED_B_BAD_STRIDE 2048

/* An interruptible product (gemm.h) polls after bands of rows of about
 * this many multiply-adds in all: 0.1 s on one core without SIMD (~5
 * GFLOP/s), so Ctrl-C stays prompt, while each band's barrier costs
 * little (bands of mc rows per thread cost 2048^3 9% on two cores). */
#define FI_GEMM_BAND_WORK (double)(1 << 28)

/* Row parts per thread of a product split by rows: claimed dynamically,
 * so a thread slowed by a neighbour on the host takes fewer of them. */
#define FI_GEMM_PARTS_PER_THREAD 2

/* ---- per-thread workspace ------------------------------------------------
 * Packing buffers belong to the calling thread and are reused across calls
 * (grown when a larger product needs more), so steady-state calls never
 * allocate.  The buffer is freed when its thread exits: a pthread key's
 * destructor on POSIX, a fiber-local slot's callback on Windows (a plain
 * thread-local there would leak one buffer per exited thread, e.g. per
 * helper of fastinit.train.run_side_by_side). */
typedef struct {
    void *p;
    size_t bytes;
} fi_gemm_ws;

static void fi_gemm_ws_release(fi_gemm_ws *w) {
    if (w) {
        fi_aligned_free(w->p);
        free(w);
    }
}

#if defined(_WIN32)
#include <windows.h>
static DWORD fi_gemm_slot = FLS_OUT_OF_INDEXES;
static INIT_ONCE fi_gemm_once = INIT_ONCE_STATIC_INIT;
static VOID WINAPI fi_gemm_ws_free(PVOID w) { fi_gemm_ws_release((fi_gemm_ws *)w); }
static BOOL CALLBACK fi_gemm_slot_init(PINIT_ONCE once, PVOID param, PVOID *ctx) {
    (void)once, (void)param, (void)ctx;
    fi_gemm_slot = FlsAlloc(fi_gemm_ws_free);
    return TRUE;
}
static fi_gemm_ws *fi_gemm_ws_get(void) {
    InitOnceExecuteOnce(&fi_gemm_once, fi_gemm_slot_init, NULL, NULL);
    if (fi_gemm_slot == FLS_OUT_OF_INDEXES)
        return NULL;
    fi_gemm_ws *w = (fi_gemm_ws *)FlsGetValue(fi_gemm_slot);
    if (!w) {
        w = (fi_gemm_ws *)calloc(1, sizeof *w);
        if (w && !FlsSetValue(fi_gemm_slot, w)) {
            free(w);
            w = NULL;
        }
    }
    return w;
}
#else
#include <pthread.h>
static pthread_key_t fi_gemm_key;
static pthread_once_t fi_gemm_once = PTHREAD_ONCE_INIT;
static void fi_gemm_ws_free(void *w) { fi_gemm_ws_release((fi_gemm_ws *)w); }
static void fi_gemm_key_init(void) { pthread_key_create(&fi_gemm_key, fi_gemm_ws_free); }
static fi_gemm_ws *fi_gemm_ws_get(void) {
    pthread_once(&fi_gemm_once, fi_gemm_key_init);
    fi_gemm_ws *w = (fi_gemm_ws *)pthread_getspecific(fi_gemm_key);
    if (!w) {
        w = (fi_gemm_ws *)calloc(1, sizeof *w);
        if (w && pthread_setspecific(fi_gemm_key, w) != 0) {
            free(w);
            w = NULL;
        }
    }
    return w;
}
#endif

/* At least `bytes` of 64-byte aligned scratch for this thread, or NULL. */
static void *fi_gemm_workspace(size_t bytes) {
    fi_gemm_ws *w = fi_gemm_ws_get();
    if (!w)
        return NULL;
    if (w->bytes < bytes) {
        fi_aligned_free(w->p);
        w->bytes = 0;
        w->p = fi_aligned_alloc(bytes + bytes / 8); /* headroom against regrowth */
        if (!w->p)
            return NULL;
        w->bytes = bytes + bytes / 8;
    }
    return w->p;
}

/* ---- kernel selection ----------------------------------------------------- */
static const fi_gemm_kernels_f32 *fi_gemm_select_f32(fi_isa isa) {
    switch (isa) {
#if FI_X86
    case FI_ISA_AVX512: return &fi_gemm_avx512_f32;
    case FI_ISA_AVX2: return &fi_gemm_avx2_f32;
#endif
    default: return &fi_gemm_generic_f32;
    }
}

static const fi_gemm_kernels_f64 *fi_gemm_select_f64(fi_isa isa) {
    switch (isa) {
#if FI_X86
    case FI_ISA_AVX512: return &fi_gemm_avx512_f64;
    case FI_ISA_AVX2: return &fi_gemm_avx2_f64;
#endif
    default: return &fi_gemm_generic_f64;
    }
}

int fi_gemm_row_grain_f32(void) {
    const fi_gemm_kernels_f32 *kt = fi_gemm_select_f32(fi_active_isa());
    return kt->part[1][0] ? 1 : kt->mr;
}
int fi_gemm_row_grain_f64(void) {
    const fi_gemm_kernels_f64 *kt = fi_gemm_select_f64(fi_active_isa());
    return kt->part[1][0] ? 1 : kt->mr;
}

/* Boundary of part t of nt nearly equal parts of `total` units. */
static fi_index fi_gemm_part(fi_index total, fi_index t, fi_index nt) {
    return (fi_index)(((long long)total * t) / nt);
}

#define T float
#define SFX f32
#include "gemm/gemm_driver.h"
#undef T
#undef SFX

#define T double
#define SFX f64
#include "gemm/gemm_driver.h"
#undef T
#undef SFX
