"""fastinit: a Cython/C engine for neural-network weight initialization and
the small networks used to study it."""
from importlib import metadata as _metadata

from . import _core, datasets, init, layers, ops, optim, random, reference
from .datasets import load_mnist
from .diagnose import diagnose
from .net import MultiLayerNet
from .train import History, train

try:
    __version__ = _metadata.version("fastinit")
except _metadata.PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"


def get_num_threads():
    """Threads every fastinit kernel may use (OMP_NUM_THREADS by default)."""
    return _core.get_num_threads()


def set_num_threads(n):
    """Set the thread count for every kernel, from any Python thread.
    ``n=0`` returns to the OpenMP default (OMP_NUM_THREADS, threadpoolctl)."""
    from ._validate import index
    _core.set_num_threads(index(n, "n", minimum=0))


def build_info():
    """How this copy of fastinit was built and what it runs on."""
    return {
        "version": __version__,
        "openmp": _core.have_openmp(),
        "simd": _core.get_simd(),
        "cpu_simd": _core.cpu_simd(),
        "compiler": _core.compiler(),
        "num_threads": _core.get_num_threads(),
    }


def set_simd(name):
    """Force a kernel set ('generic', 'avx2', 'avx512'), clamped to what the
    CPU supports; returns the set now in use.  Also FASTINIT_SIMD=... at
    import time."""
    return _core.set_simd(name)


def set_buffer_cache(limit):
    """Keep up to ``limit`` bytes of freed large fastinit arrays (4 MiB and
    up) for reuse by the next array of the same size, skipping the kernel's
    page faults and zeroing (0 turns the cache off and frees what it
    holds).  Returns the previous limit.  The default, 256 MiB, can be set
    with FASTINIT_BUFFER_CACHE_MB at import time."""
    return _core.set_buffer_cache(limit)


def buffer_cache_info():
    """The buffer cache's ``limit``, the ``bytes`` and ``blocks`` it holds,
    its ``hits`` and ``misses`` and the smallest block it keeps (``min_block``)."""
    return _core.buffer_cache_info()


__all__ = [
    "ops", "random", "init", "layers", "optim", "reference", "datasets",
    "MultiLayerNet", "train", "History", "diagnose", "load_mnist",
    "build_info", "get_num_threads", "set_num_threads", "set_simd", "set_buffer_cache",
    "buffer_cache_info", "__version__",
]
