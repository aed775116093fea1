# cython: freethreading_compatible = True
"""Runtime settings of the C engine: threads and the SIMD kernel set.

This module owns the settings instance every other extension attaches to
(see _runtime.pxd)."""

cdef extern from "fastinit.h" nogil:
    int fi_get_num_threads()
    void fi_set_num_threads(int n)
    int fi_get_thread_limit()
    void fi_set_thread_limit(int n)
    int fi_have_openmp()


cdef fi_runtime *shared_runtime() noexcept nogil:
    return fi_runtime_self()

cdef extern from "cpu.h" nogil:
    ctypedef enum fi_isa:
        FI_ISA_GENERIC
        FI_ISA_AVX2
        FI_ISA_AVX512
    fi_isa fi_cpu_best_isa()
    fi_isa fi_active_isa()
    fi_isa fi_set_isa(fi_isa want)
    const char *fi_isa_name(fi_isa isa)
    int fi_isa_from_name(const char *name)


cdef extern from *:
    """
    #ifndef FI_COMPILER
    #define FI_COMPILER "unknown"
    #endif
    static const char *fi_compiler_name = FI_COMPILER;
    """
    const char *fi_compiler_name


def get_num_threads():
    return fi_get_num_threads()


def set_num_threads(int n):
    fi_set_num_threads(n)


def get_thread_limit():
    """The calling thread's own thread cap (see set_thread_limit)."""
    return fi_get_thread_limit()


def set_thread_limit(int n):
    """Cap the threads of kernels called from this Python thread only (its
    OpenMP nthreads-var; the process-wide setting still applies)."""
    fi_set_thread_limit(n)


def have_openmp():
    return bool(fi_have_openmp())


def cpu_simd():
    return fi_isa_name(fi_cpu_best_isa()).decode()


def get_simd():
    return fi_isa_name(fi_active_isa()).decode()


def set_simd(name):
    if not isinstance(name, str):
        raise TypeError(f"SIMD kernel set must be a str, got {type(name).__name__}")
    cdef int want = fi_isa_from_name(name.encode())
    if want < 0:
        raise ValueError(f"unknown SIMD kernel set {name!r}; expected 'generic', 'avx2' or 'avx512'")
    return fi_isa_name(fi_set_isa(<fi_isa>want)).decode()


def compiler():
    return fi_compiler_name.decode()
