"""fastinit: a Cython/C engine for neural-network weight initialization and
the small networks used to study it.

``import fastinit`` loads the engine only: ``ops``, ``random``, ``init``
and the settings below.  The layers above it, ``fastinit.nn`` (networks,
optimizers, training) and ``fastinit.study`` (data sets, experiments,
report), are loaded on first use of one of their names here (PEP 562), so
``fastinit.MultiLayerNet`` and ``fastinit.load_mnist`` keep working while
no engine module imports the layers above it."""
from __future__ import annotations

import importlib as _importlib
import os as _os
from importlib import metadata as _metadata
from typing import Any, Literal, TypedDict

# The facade's names (nn, study, MultiLayerNet, ...) are not imported here,
# not even for type checkers (tests/test_layout.py: the engine imports no
# layer above it): they type as __getattr__'s Any.


class _BuildInfo(TypedDict):
    version: str
    threads: Literal["fastinit pool", "serial"]
    simd: Literal["generic", "avx2", "avx512"]
    cpu_simd: Literal["generic", "avx2", "avx512"]
    bf16_store: Literal["vcvtneps2bf16", "integer"]
    compiler: str
    num_threads: int


_NOT_BUILT_MESSAGE = (
    "fastinit is not built in this folder: install it (`pip install .`) and run from another "
    "folder, or build in place (`pip install -e . --no-build-isolation`)")


def _source_tree_error(exc: ImportError) -> ImportError | None:
    """The ImportError to raise instead of ``exc`` when this package is an
    unbuilt source checkout (its compiled modules are missing and the
    project's setup.py/pyproject.toml sits one level up), else None: a
    checkout on sys.path shadows the installed package, and Python's own
    message blames a circular import."""
    from importlib.machinery import EXTENSION_SUFFIXES
    here = _os.path.dirname(_os.path.abspath(__file__))
    root = _os.path.dirname(here)
    in_checkout = any(_os.path.isfile(_os.path.join(root, name))
                      for name in ("setup.py", "pyproject.toml"))
    built = any(name.endswith(tuple(EXTENSION_SUFFIXES)) for name in _os.listdir(here))
    if in_checkout and not built:
        return ImportError(_NOT_BUILT_MESSAGE, name=exc.name, path=exc.path)
    return None


# The package's first import of a compiled module: where an unbuilt checkout
# shows itself.
try:
    from . import _core
except ImportError as _exc:
    _error = _source_tree_error(_exc)
    if _error is None:
        raise
    raise _error from None  # Python's own message points at a bug that is not there

from . import init, ops, random  # noqa: E402 - after the build check above

try:
    __version__ = _metadata.version("fastinit")
except _metadata.PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"

from . import _threadpoolctl  # noqa: E402 - after the build check above

_threadpoolctl.install(__version__)


def get_num_threads() -> int:
    """Threads every fastinit kernel may use (OMP_NUM_THREADS by default,
    else the processors this process may run on)."""
    return _core.get_num_threads()


def set_num_threads(n: int) -> None:
    """Set the thread count for every kernel, from any Python thread.
    ``n=0`` returns to the default (OMP_NUM_THREADS, else the processors).
    threadpoolctl sees and sets the same count (user_api "fastinit")."""
    from ._validate import index
    _core.set_num_threads(index(n, "n", minimum=0))


def build_info() -> _BuildInfo:
    """How this copy of fastinit was built and what it runs on."""
    return {
        "version": __version__,
        "threads": _core.thread_team(),
        "simd": _core.get_simd(),
        "cpu_simd": _core.cpu_simd(),
        "bf16_store": _core.bf16_store(),
        "compiler": _core.compiler(),
        "num_threads": _core.get_num_threads(),
    }


def set_simd(name: Literal["generic", "avx2", "avx512"]
             ) -> Literal["generic", "avx2", "avx512"]:
    """Force a kernel set ('generic', 'avx2', 'avx512'), clamped to what the
    CPU supports; returns the set now in use.  Also FASTINIT_SIMD=... at
    import time."""
    return _core.set_simd(name)


def set_buffer_cache(limit: int) -> int:
    """Keep up to ``limit`` bytes of freed large fastinit arrays (4 MiB and
    up) for reuse by the next array of the same size, skipping the kernel's
    page faults and zeroing (0 turns the cache off and frees what it
    holds).  Returns the previous limit.  The default, 256 MiB, can be set
    with FASTINIT_BUFFER_CACHE_MB at import time."""
    return _core.set_buffer_cache(limit)


def buffer_cache_info() -> dict[str, int]:
    """The buffer cache's ``limit``, the ``bytes`` and ``blocks`` it holds,
    its ``hits`` and ``misses`` and the smallest block it keeps (``min_block``)."""
    return _core.buffer_cache_info()


# The facade: names of the layers above the engine, as (module, attribute);
# attribute None is the module itself.  Loaded by __getattr__ on first use.
_FACADE = {
    "reference": ("fastinit.reference", None),
    "nn": ("fastinit.nn", None),
    "layers": ("fastinit.nn.layers", None),
    "optim": ("fastinit.nn.optim", None),
    "MultiLayerNet": ("fastinit.nn.net", "MultiLayerNet"),
    "train": ("fastinit.nn.train", "train"),
    "History": ("fastinit.nn.train", "History"),
    "diagnose": ("fastinit.nn.diagnose", "diagnose"),
    "lsuv": ("fastinit.nn.lsuv", "lsuv"),
    "study": ("fastinit.study", None),
    "datasets": ("fastinit.study.datasets", None),
    "experiments": ("fastinit.study.experiments", None),
    "load_mnist": ("fastinit.study.datasets", "load_mnist"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _FACADE[name]
    except KeyError:
        raise AttributeError(f"module 'fastinit' has no attribute {name!r}") from None
    value = _importlib.import_module(module)
    if attribute is not None:
        value = getattr(value, attribute)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_FACADE))


__all__ = [
    "ops", "random", "init", "layers", "optim", "reference", "datasets", "experiments",
    "nn", "study", "MultiLayerNet", "train", "History", "diagnose", "lsuv", "load_mnist",
    "build_info", "get_num_threads", "set_num_threads", "set_simd", "set_buffer_cache",
    "buffer_cache_info", "__version__",
]
