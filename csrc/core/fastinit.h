/* fastinit.h: types and helpers shared by every kernel file.
 *
 * Conventions (all of csrc/):
 *  - plain C11, no Python headers; every exported symbol starts with fi_.
 *  - matrices are row-major with an explicit leading dimension (elements).
 *  - sizes are fi_index (signed, pointer-sized) so negative strides/sizes
 *    are representable and loops never overflow int on >2^31 elements.
 *  - kernels never allocate on hot paths unless documented, never print,
 *    never abort: argument checking is the Python layer's job.
 */
#ifndef FASTINIT_H
#define FASTINIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef ptrdiff_t fi_index;

#if defined(_MSC_VER)
#define FI_RESTRICT __restrict
#define FI_INLINE static __forceinline
#define FI_ALIGNED(n) __declspec(align(n))
#else
#define FI_RESTRICT restrict
#define FI_INLINE static inline __attribute__((always_inline))
#define FI_ALIGNED(n) __attribute__((aligned(n)))
#endif

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#define FI_X86 1
#else
#define FI_X86 0
#endif

/* Symbols that other libraries look up in the module (threadpoolctl, via
 * ctypes): the build hides every other one. */
#if defined(_WIN32)
#define FI_EXPORT __declspec(dllexport)
#else
#define FI_EXPORT __attribute__((visibility("default")))
#endif

#if defined(_MSC_VER) && !defined(__clang__)
#define FI_THREAD_LOCAL __declspec(thread)
#else
#define FI_THREAD_LOCAL _Thread_local
#endif

/* ---- process-wide settings (runtime.c) ----------------------------------
 * csrc/ is linked into exactly one extension module (fastinit._core), so
 * its statics are the process's one instance of every setting. */

/* Threads: one setting for every kernel.  fi_set_num_threads(n>0) fixes the
 * count for all calling threads; 0 returns to the default (the first entry
 * of OMP_NUM_THREADS, else the processors the process may use).  Requests
 * are capped (4 per processor, at least 64).  Exported for threadpoolctl. */
FI_EXPORT int fi_get_num_threads(void);
FI_EXPORT void fi_set_num_threads(int n);
/* The calling thread's own cap (a thread-local, which fi_get_num_threads
 * also obeys), e.g. 1 for a Python thread that runs one of several
 * independent jobs side by side; fi_set_num_threads clears the calling
 * thread's.  _get returns the process count when the thread has none. */
int fi_get_thread_limit(void);
void fi_set_thread_limit(int n);
/* Threads to use for `work` units when each thread should get at least
 * `min_per_thread` of them: small work stays on one thread, and so does
 * work called from inside a parallel region (no nested teams). */
int fi_threads_for(double work, double min_per_thread);

/* ---- Ctrl-C during long calls (runtime.c) --------------------------------
 * fi_interrupt_arm (Python's main thread only) replaces the SIGINT handler
 * by one that sets a flag, and returns 1; 0 when it did not (SIGINT ignored
 * or default, or no sigaction).  Kernels that support it poll
 * fi_interrupt_pending() between blocks and stop early.  fi_interrupt_disarm
 * restores the previous handler and, when SIGINT arrived meanwhile, raises
 * it again for that handler and returns 1. */
int fi_interrupt_arm(void);
int fi_interrupt_disarm(void);
int fi_interrupt_pending(void);

/* Team threads on distinct processors (spread.c): the caller of a pool run
 * reads fi_current_cpu(), every worker that joins the run calls
 * fi_spread_from(that) first and moves off the caller's processor if the
 * scheduler put it there.  -1 / a no-op off Linux. */
int fi_current_cpu(void);
void fi_spread_from(int master_cpu);

/* ---- aligned scratch memory ---------------------------------------------- */
void *fi_aligned_alloc(size_t bytes); /* 64-byte aligned, NULL on failure */
void fi_aligned_free(void *p);

#ifdef __cplusplus
}
#endif
#endif /* FASTINIT_H */
