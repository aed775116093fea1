/* Thread-count policy and cooperative interruption shared by all kernels. */
/* posix_memalign is POSIX, not C11: -std=c11 hides it without this. */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200112L
#endif
#include "fastinit.h"

#include <stdlib.h>

#if defined(_MSC_VER) && !defined(__clang__)
/* MSVC's C11 atomics are still experimental; a volatile int is enough for
 * flags read by polling loops on x86/ARM64 Windows. */
#include <malloc.h>
typedef volatile int atomic_int;
#define atomic_load(p) (*(p))
#define atomic_store(p, v) (*(p) = (v))
#define atomic_load_explicit(p, o) (*(p))
#else
#include <stdatomic.h>
#endif

/* Why a global and not only omp_set_num_threads: OpenMP's nthreads-var is
 * per calling thread, so a count set from Python's main thread would not
 * reach kernels called from other Python threads.  The setting is also
 * passed to omp_set_num_threads so it can raise the calling thread's limit. */
static atomic_int fi_num_threads_setting = 0;
static atomic_int fi_interrupt_flag = 0;

int fi_have_openmp(void) {
#ifdef FI_HAVE_OPENMP
    return 1;
#else
    return 0;
#endif
}

/* Why a cap: libgomp exits the process (not an error code) when it cannot
 * create a thread, so an absurd request such as set_num_threads(100000) would
 * kill the interpreter at the next large kernel.  Oversubscription up to 4
 * threads per processor (at least 64) stays allowed for experiments. */
static int fi_max_threads(void) {
#ifdef FI_HAVE_OPENMP
    int procs = omp_get_num_procs();
    return procs > 16 ? 4 * procs : 64;
#else
    return 1;
#endif
}

int fi_get_num_threads(void) {
#ifdef FI_HAVE_OPENMP
    /* The global setting, capped by this thread's OpenMP limit so that
     * threadpoolctl (which calls omp_set_num_threads) can still lower it. */
    int n = atomic_load(&fi_num_threads_setting);
    int omp = omp_get_max_threads();
    if (omp < 1)
        omp = 1;
    if (omp > fi_max_threads()) /* OMP_NUM_THREADS or threadpoolctl asked for too many */
        omp = fi_max_threads();
    return (n > 0 && n < omp) ? n : omp;
#else
    return 1;
#endif
}

void fi_set_num_threads(int n) {
    if (n < 0)
        n = 0;
    if (n > fi_max_threads())
        n = fi_max_threads();
#ifdef FI_HAVE_OPENMP
    /* remember the OpenMP default so that n == 0 can restore it */
    static int omp_default = 0;
    if (omp_default == 0)
        omp_default = omp_get_max_threads();
    omp_set_num_threads(n > 0 ? n : omp_default);
#endif
    atomic_store(&fi_num_threads_setting, n);
}

int fi_threads_for(double work, double min_per_thread) {
    int n = fi_get_num_threads();
    if (min_per_thread <= 0)
        return n;
    double fit = work / min_per_thread;
    if (fit < 2.0)
        return 1;
    if (fit < (double)n)
        n = (int)fit;
    return n < 1 ? 1 : n;
}

void fi_request_interrupt(void) { atomic_store(&fi_interrupt_flag, 1); }
void fi_clear_interrupt(void) { atomic_store(&fi_interrupt_flag, 0); }
int fi_interrupted(void) { return atomic_load_explicit(&fi_interrupt_flag, memory_order_relaxed); }

void *fi_aligned_alloc(size_t bytes) {
    if (bytes == 0)
        bytes = 64;
#if defined(_MSC_VER)
    return _aligned_malloc(bytes, 64);
#else
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0)
        return NULL;
    return p;
#endif
}

void fi_aligned_free(void *p) {
#if defined(_MSC_VER)
    _aligned_free(p);
#else
    free(p);
#endif
}
