"""fastinit: a Cython/C engine for neural-network weight initialization and
the small networks used to study it."""
from importlib import metadata as _metadata

from . import _runtime, datasets, init, layers, ops, optim, random, reference
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
    return _runtime.get_num_threads()


def set_num_threads(n):
    """Set the thread count for every kernel, from any Python thread.
    ``n=0`` returns to the OpenMP default (OMP_NUM_THREADS, threadpoolctl)."""
    from ._validate import index
    _runtime.set_num_threads(index(n, "n", minimum=0))


def build_info():
    """How this copy of fastinit was built and what it runs on."""
    return {
        "version": __version__,
        "openmp": _runtime.have_openmp(),
        "simd": _runtime.get_simd(),
        "cpu_simd": _runtime.cpu_simd(),
        "compiler": _runtime.compiler(),
        "num_threads": _runtime.get_num_threads(),
    }


def set_simd(name):
    """Force a kernel set ('generic', 'avx2', 'avx512'), clamped to what the
    CPU supports; returns the set now in use.  Also FASTINIT_SIMD=... at
    import time."""
    return _runtime.set_simd(name)


__all__ = [
    "ops", "random", "init", "layers", "optim", "reference", "datasets",
    "MultiLayerNet", "train", "History", "diagnose", "load_mnist",
    "build_info", "get_num_threads", "set_num_threads", "set_simd", "__version__",
]
