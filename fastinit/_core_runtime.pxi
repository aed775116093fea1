# Included by _core.pyx: the runtime settings of the C engine: threads, the SIMD
# kernel set and the buffer cache.


def get_num_threads():
    return fi_get_num_threads()


def set_num_threads(int n):
    fi_set_num_threads(n)


def get_thread_limit():
    """The calling thread's own thread cap (see set_thread_limit)."""
    return fi_get_thread_limit()


def set_thread_limit(int n):
    """Cap the threads of kernels called from this Python thread only (a
    thread-local in runtime.c; the process-wide setting still applies)."""
    fi_set_thread_limit(n)


def thread_team():
    """What runs the kernels' threads: "fastinit pool" (csrc/core/pool.c),
    or "serial" where the pool has no threads (Windows, for now)."""
    return "fastinit pool" if fi_pool_threaded() else "serial"


def pool_stats():
    """(workers alive in fastinit's thread team, runs that used the team so
    far): csrc/core/pool.h.  For tests and diagnostics."""
    return fi_pool_workers(), fi_pool_team_runs()


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


# ---- the buffer cache (csrc/core/bufcache.h) as a NumPy memory handler --------------
from numpy import empty as _np_empty


# The capsule outlives every array made with it: the module is never unloaded.
cdef object _cache_handler = fi_cache_handler_capsule()
cdef Py_ssize_t _cache_min = <Py_ssize_t>FI_BUFCACHE_MIN_BYTES


def empty(shape, dtype, Py_ssize_t nbytes):
    """numpy.empty(shape, dtype) whose memory comes from, and goes back to,
    the buffer cache when the array is large (``nbytes``: its size)."""
    if nbytes < _cache_min:
        return _np_empty(shape, dtype)
    old = cnp.PyDataMem_SetHandler(_cache_handler)
    try:
        return _np_empty(shape, dtype)
    finally:
        cnp.PyDataMem_SetHandler(old)


def set_buffer_cache(limit):
    """Keep at most ``limit`` bytes of freed large arrays for reuse (0: none);
    returns the previous limit."""
    if not isinstance(limit, int) or isinstance(limit, bool):
        raise TypeError(f"limit must be an int number of bytes, got {type(limit).__name__}")
    if limit < 0:
        raise ValueError(f"limit must be >= 0 bytes, got {limit}")
    return fi_bufcache_set_limit(<size_t>limit)


def _limit_from_env():
    import os
    import warnings
    text = os.environ.get("FASTINIT_BUFFER_CACHE_MB")
    if text is None or not text.strip():
        return
    try:
        mib = float(text)
        if not mib >= 0 or mib == float("inf"):
            raise ValueError
    except ValueError:
        warnings.warn(f"FASTINIT_BUFFER_CACHE_MB={text!r} is not a number of MiB >= 0; "
                      "keeping the default", RuntimeWarning, stacklevel=2)
        return
    fi_bufcache_set_limit(<size_t>min(int(mib * 1048576), 2 ** 62))  # no C cast of a huge float


_limit_from_env()


def buffer_cache_info():
    """The cache's limit, contents and hit counts, as a dict."""
    cdef fi_bufcache_stats s
    fi_bufcache_get_stats(&s)
    return {"limit": s.limit, "bytes": s.bytes, "blocks": s.blocks, "hits": s.hits,
            "misses": s.misses, "min_block": _cache_min}
