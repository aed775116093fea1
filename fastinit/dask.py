"""Sharded initialization on ``dask.array``: ``fastinit.dask``.

Every initializer of :mod:`fastinit.init` (and ``normal``, ``uniform``,
``truncated_normal``) as a lazy dask array whose blocks are filled where
they are computed — on the threads of the local scheduler or on the workers
of a ``distributed`` cluster — with no array ever sent over the wire::

    import fastinit.dask as fd
    W = fd.he_normal((100_000, 4096), chunks=(10_000, 4096), seed=0)
    W.compute()   # == fastinit.init.he_normal((100_000, 4096), seed=0), bitwise

Element i of a fill is a pure function of (seed, i) with i the global flat
C-order index, so each block fills each of its contiguous row runs at the
matching offset and ``.compute()`` equals the single-process result bitwise
for any chunking.  A ``Generator`` passed as ``seed`` is advanced exactly as
the single-process call would advance it.

``orthogonal``, ``delta_orthogonal`` and ``sparse`` need the whole matrix (a QR, a per-column
ranking): they are computed in one task and then rechunked.  ``eye`` and
``dirac`` are deterministic and built the same way.

Requires the ``dask`` extra: ``pip install "fastinit[dask]"``.
"""
from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import numpy as np
from numpy.typing import DTypeLike, NDArray

from . import init as _init
from ._validate import ShapeLike
from .init import Layout, Plan, Seed
from .random import Generator, as_generator

#: dask.array's ``chunks=`` ("auto", a block size, a shape of block sizes, ...)
Chunks: TypeAlias = int | str | tuple[Any, ...] | dict[int, Any]

if TYPE_CHECKING:
    from typing import Protocol

    class LazyInitializer(Protocol):
        """fastinit.init.<name>'s parameters, plus ``chunks``; returns a
        dask.array.Array (Any: dask is not type-checked here)."""

        def __call__(self, shape: ShapeLike, *args: Any, chunks: Chunks = "auto",
                     dtype: DTypeLike = np.float32, seed: Seed = None, layout: Layout = "io",
                     **kwargs: Any) -> Any: ...

    # The functions the loop at the end of this module defines.
    normal: LazyInitializer
    uniform: LazyInitializer
    truncated_normal: LazyInitializer
    constant: LazyInitializer
    delta_orthogonal: LazyInitializer
    dirac: LazyInitializer
    eye: LazyInitializer
    glorot_normal: LazyInitializer
    glorot_uniform: LazyInitializer
    he_normal: LazyInitializer
    he_uniform: LazyInitializer
    kaiming_normal: LazyInitializer
    kaiming_uniform: LazyInitializer
    lecun_normal: LazyInitializer
    lecun_uniform: LazyInitializer
    ones: LazyInitializer
    orthogonal: LazyInitializer
    sparse: LazyInitializer
    variance_scaling: LazyInitializer
    xavier_normal: LazyInitializer
    xavier_uniform: LazyInitializer
    zeros: LazyInitializer

__all__ = ["normal", "uniform", "truncated_normal"] + sorted(
    name for name in _init.INITIALIZERS if name not in ("normal", "uniform", "truncated_normal"))


def _dask() -> tuple[Any, Any]:
    try:
        import dask
        import dask.array as da
    except ImportError as exc:
        raise ImportError('fastinit.dask needs dask: pip install "fastinit[dask]"') from exc
    return dask, da


def _fill_block(block_info: dict[Any, dict[str, Any]] | None = None, *, plan: Plan,
                gen: Generator | None) -> NDArray[Any]:
    """One block of the global array, placed by dask's ``block_info``: each
    contiguous run of it (the block is contiguous over its trailing
    full-extent axes) is filled at its global C-order offset, so the block
    depends on nothing but (seed, where it lies)."""
    info = cast("dict[Any, dict[str, Any]]", block_info)[None]  # dask always passes it
    shape = tuple(info["shape"])
    slices = tuple(slice(start, stop) for start, stop in info["array-location"])
    bshape = tuple(s.stop - s.start for s in slices)
    out = np.empty(bshape, info["dtype"])
    if out.size == 0:
        return out
    k = len(shape) - 1
    while k > 0 and bshape[k] == shape[k]:
        k -= 1
    strides = [math.prod(shape[d + 1:]) for d in range(len(shape))]
    base = sum(s.start * st for s, st in zip(slices, strides))
    runs = out.reshape(math.prod(bshape[:k]), -1)
    for r, idx in enumerate(itertools.product(*(range(n) for n in bshape[:k]))):
        offset = base + sum(i * st for i, st in zip(idx, strides))
        _init.apply_plan(runs[r], plan, gen, offset=offset)
    return out


def _prepare(shape: ShapeLike, dtype: DTypeLike, chunks: Chunks
             ) -> tuple[tuple[int, ...], np.dtype[Any], tuple[tuple[int, ...], ...]]:
    _, da = _dask()
    shape, dt = _init.shape_and_dtype(shape, dtype)
    if math.prod(shape) == 0:
        warnings.warn("initializing a zero-element array is a no-op", UserWarning, stacklevel=4)
    return shape, dt, da.core.normalize_chunks(chunks, shape, dtype=dt)


def _elementwise_array(name: str, shape: ShapeLike, args: tuple[Any, ...], kwargs: dict[str, Any],
                       chunks: Chunks, dtype: DTypeLike, seed: Seed, layout: Layout) -> Any:
    dask, da = _dask()
    shape, dt, chunks = _prepare(shape, dtype, chunks)
    plan = _init.PLANS[name](shape, *args, layout=layout, **kwargs)
    gen = None
    if plan[0] != "constant":
        gen = as_generator(seed).reserve(math.prod(shape), dtype=dt)
    state = None if gen is None else (gen._key, gen._stream, gen.position)
    # Named from what determines the values (the reserved stream position,
    # not the Generator object), so equal calls give equal keys.
    key = f"fastinit-{name}-" + dask.base.tokenize(plan, state, shape, chunks, dt.str)
    return da.map_blocks(_fill_block, name=key, chunks=chunks, dtype=dt,
                         meta=np.empty((0,) * len(shape), dt), plan=plan, gen=gen)


def _whole_array(name: str, shape: ShapeLike, args: tuple[Any, ...], kwargs: dict[str, Any],
                 chunks: Chunks, dtype: DTypeLike, seed: Seed, layout: Layout) -> Any:
    """Initializers that need the whole matrix: one task, then rechunk."""
    dask, da = _dask()
    shape, dt, chunks = _prepare(shape, dtype, chunks)
    fn = _init.INITIALIZERS[name]
    # Check the arguments here rather than on a worker: on a 2-wide proxy of
    # the shape (dirac's checks need the real channel counts; it is small).
    proxy = shape if name == "dirac" else tuple(min(d, 2) for d in shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fn(proxy, *args, dtype=dt, seed=0, layout=layout, **kwargs)
    gen = None
    if name in ("orthogonal", "sparse", "delta_orthogonal"):
        parent = as_generator(seed)
        gen = parent.snapshot()
        _advance_like(name, parent, shape, dt, layout, args, kwargs)
    task = dask.delayed(fn, pure=True)(shape, *args, dtype=dt, seed=gen, layout=layout, **kwargs)
    return da.from_delayed(task, shape, dtype=dt).rechunk(chunks)


def _advance_like(name: str, gen: Generator, shape: tuple[int, ...], dtype: np.dtype[Any],
                  layout: Layout, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Advance gen as fastinit.init.<name>(shape, seed=gen) would."""
    n = math.prod(shape)
    if n == 0:
        return
    if name == "orthogonal":
        gen.reserve(n, dtype=np.float64)
        return
    if name == "delta_orthogonal":  # one orthogonal (in, out) matrix
        gen.reserve(math.prod(shape[-2:] if layout == "io" else shape[:2]), dtype=np.float64)
        return
    gen.reserve(n, dtype=dtype)  # sparse: the normal values, then the ranking keys
    # checked by _whole_array's call on the proxy shape: a real number
    sparsity = cast(float, args[0] if args else kwargs.get("sparsity"))
    rows = shape[0] if layout == "oi" else shape[1]
    if math.ceil(sparsity * rows):
        gen.reserve(n, dtype=np.float64)


_WHOLE = ("orthogonal", "sparse", "eye", "dirac", "delta_orthogonal")


def _make(name: str) -> LazyInitializer:
    target = _init.INITIALIZERS[name]
    builder = _whole_array if name in _WHOLE else _elementwise_array

    def f(shape: ShapeLike, *args: Any, chunks: Chunks = "auto", dtype: DTypeLike = np.float32,
          seed: Seed = None, layout: Layout = "io", **kwargs: Any) -> Any:
        return builder(name, shape, args, kwargs, chunks, dtype, seed, layout)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"Lazy dask array equal (bitwise, for any ``chunks``) to "
                 f":func:`fastinit.init.{name}` with the same arguments.\n\n"
                 f"``chunks`` as in dask.array (default \"auto\").\n\n" + (target.__doc__ or ""))
    return f


for _name in __all__:
    globals()[_name] = _make(_name)
del _name
