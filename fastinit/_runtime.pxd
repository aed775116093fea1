# The one instance of the engine's process-wide settings (csrc/runtime.c).
# Every other extension module does, at import:
#     from fastinit._runtime cimport fi_runtime_attach, shared_runtime
#     fi_runtime_attach(shared_runtime())
# so that set_num_threads / set_simd reach the kernels linked into it.

cdef extern from "core/fastinit.h" nogil:
    ctypedef struct fi_runtime:
        pass
    fi_runtime *fi_runtime_self()
    void fi_runtime_attach(fi_runtime *shared)

cdef fi_runtime *shared_runtime() noexcept nogil
