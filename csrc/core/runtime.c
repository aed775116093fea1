/* Process-wide settings shared by all kernels: thread count and SIMD set.
 * Plain statics: csrc/ is linked once, into fastinit._core, so each exists
 * once per process. */
/* posix_memalign is POSIX, not C11: -std=c11 hides it without this. */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200112L
#endif
#include "core/cpu.h"
#include "core/fastinit.h"
#include "core/pool.h"

/* sigaction: POSIX systems; elsewhere (Windows) Ctrl-C is not armed. */
#if defined(__unix__) || defined(__APPLE__)
#define FI_SIGACTION 1
#else
#define FI_SIGACTION 0
#endif

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <malloc.h> /* _aligned_malloc: the Windows CRTs (MSVC and MinGW) lack posix_memalign */
#endif

#include "core/atomics.h"

/* 0: follow OpenMP (OMP_NUM_THREADS, threadpoolctl); n > 0: use n.  A global
 * and not only omp_set_num_threads because OpenMP's nthreads-var is per
 * calling thread: a count set from Python's main thread would not reach
 * kernels called from other Python threads. */
static atomic_int fi_num_threads_setting = 0;
static atomic_int fi_omp_default = 0; /* restored by set_num_threads(0) */
static atomic_int fi_isa_setting = -1; /* fi_isa, or -1 before the first use */
/* Ctrl-C during a long call (fi_interrupt_arm): set by fi_on_sigint, so that
 * the handler only touches a lock-free atomic (C11 7.14.1.1). */
static atomic_int fi_interrupted = 0;
#if FI_SIGACTION
static struct sigaction fi_saved_sigint; /* the handler fi_interrupt_arm replaced */
#endif
static void fi_on_sigint(int sig);

int fi_have_openmp(void) {
#ifdef FI_HAVE_OPENMP
    return 1;
#else
    return 0;
#endif
}

/* libgomp exits the process (instead of failing) when it cannot create a
 * thread, so an absurd request such as set_num_threads(100000) would kill
 * the interpreter at the next large kernel.  Oversubscription up to 4
 * threads per processor (at least 64) stays allowed for experiments. */
static int fi_max_threads(void) {
#ifdef FI_HAVE_OPENMP
    /* omp_get_num_procs is a sched_getaffinity system call: ask once (a
     * race only computes the same value twice) */
    static atomic_int cap = 0;
    int c = atomic_load(&cap);
    if (c == 0) {
        int procs = omp_get_num_procs();
        c = procs > 16 ? 4 * procs : 64;
        atomic_store(&cap, c);
    }
    return c;
#else
    return 1;
#endif
}

int fi_get_num_threads(void) {
#ifdef FI_HAVE_OPENMP
    /* The setting, capped by this thread's OpenMP limit so that
     * threadpoolctl (which calls omp_set_num_threads) can still lower it. */
    int n = atomic_load(&fi_num_threads_setting);
    int omp = omp_get_max_threads();
    if (omp < 1)
        omp = 1;
    if (omp > fi_max_threads())
        omp = fi_max_threads();
    return (n > 0 && n < omp) ? n : omp;
#else
    return 1;
#endif
}

int fi_get_thread_limit(void) {
#ifdef FI_HAVE_OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

void fi_set_thread_limit(int n) {
#ifdef FI_HAVE_OPENMP
    if (n < 1)
        n = 1;
    if (n > fi_max_threads())
        n = fi_max_threads();
    omp_set_num_threads(n);
#else
    (void)n;
#endif
}

void fi_set_num_threads(int n) {
    if (n < 0)
        n = 0;
    if (n > fi_max_threads())
        n = fi_max_threads();
#ifdef FI_HAVE_OPENMP
    if (atomic_load(&fi_omp_default) == 0)
        atomic_store(&fi_omp_default, omp_get_max_threads());
    /* also raise/lower the calling thread's own OpenMP limit */
    omp_set_num_threads(n > 0 ? n : atomic_load(&fi_omp_default));
#endif
    atomic_store(&fi_num_threads_setting, n);
}

int fi_threads_for(double work, double min_per_thread) {
#ifdef FI_HAVE_OPENMP
    /* A kernel called by one thread of a team (the fused MLP step splits
     * the work itself) must not start a nested team. */
    if (omp_in_parallel())
        return 1;
#endif
    if (fi_pool_in_part())
        return 1;
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

fi_isa fi_set_isa(fi_isa want) {
    fi_isa best = fi_cpu_best_isa();
    fi_isa got = want > best ? best : want;
    if (got < FI_ISA_GENERIC)
        got = FI_ISA_GENERIC;
    atomic_store(&fi_isa_setting, (int)got);
    return got;
}

fi_isa fi_active_isa(void) {
    int isa = atomic_load(&fi_isa_setting);
    if (isa < 0) {
        fi_isa best = fi_cpu_best_isa();
        int want = fi_isa_from_name(getenv("FASTINIT_SIMD"));
        isa = (want >= 0 && want < (int)best) ? want : (int)best;
        atomic_store(&fi_isa_setting, isa);
    }
    return (fi_isa)isa;
}

/* ---- Ctrl-C during long calls -----------------------------------------------
 * Python's own SIGINT handler only records the signal; Python acts on it
 * between bytecodes, so a kernel running for seconds without the GIL delays
 * Ctrl-C by as long.  Around such a call the bridge (main thread only:
 * handlers are process-wide, and Python runs its handlers there) installs
 * fi_on_sigint, which sets fi_interrupted; kernels poll it between blocks
 * (fi_interrupt_pending) and return early.  Disarming puts the old handler
 * back exactly (flags and mask too) and hands it the signal again, so
 * Python, or whatever else owned SIGINT, sees it as if it had been there
 * all along.  Windows: not armed (its CRT runs SIGINT handlers on another
 * thread with reset-to-default semantics); the bridge then checks for
 * signals between chunks as before. */
static void fi_on_sigint(int sig) {
    (void)sig;
    /* async-signal-safe: one store to a lock-free atomic, nothing else */
    atomic_store(&fi_interrupted, 1);
}

#if FI_SIGACTION && defined(ATOMIC_INT_LOCK_FREE)
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the SIGINT flag must be a lock-free atomic");
#endif

int fi_interrupt_arm(void) {
#if FI_SIGACTION
    struct sigaction *old = &fi_saved_sigint, sa;
    if (sigaction(SIGINT, NULL, old) != 0)
        return 0;
    /* SIG_IGN: Ctrl-C is meant to do nothing; SIG_DFL: it kills at once. */
    if (!(old->sa_flags & SA_SIGINFO) && (old->sa_handler == SIG_IGN || old->sa_handler == SIG_DFL))
        return 0;
    atomic_store(&fi_interrupted, 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fi_on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
#ifdef SA_ONSTACK
    sa.sa_flags |= SA_ONSTACK; /* as Python installs its own */
#endif
    return sigaction(SIGINT, &sa, NULL) == 0;
#else
    return 0;
#endif
}

int fi_interrupt_disarm(void) {
#if FI_SIGACTION
    sigaction(SIGINT, &fi_saved_sigint, NULL);
    int hit = atomic_exchange(&fi_interrupted, 0);
    if (hit)
        raise(SIGINT); /* runs the restored handler in this thread before returning */
    return hit;
#else
    return 0;
#endif
}

int fi_interrupt_pending(void) { return atomic_load(&fi_interrupted); }

void *fi_aligned_alloc(size_t bytes) {
    if (bytes == 0)
        bytes = 64;
#ifdef _WIN32
    return _aligned_malloc(bytes, 64);
#else
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0)
        return NULL;
    return p;
#endif
}

void fi_aligned_free(void *p) {
#ifdef _WIN32
    _aligned_free(p);
#else
    free(p);
#endif
}
