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
import itertools
import math
import warnings

import numpy as np

from . import init as _init
from .random import as_generator

__all__ = ["normal", "uniform", "truncated_normal"] + sorted(
    name for name in _init.INITIALIZERS if name not in ("normal", "uniform", "truncated_normal"))


def _dask():
    try:
        import dask
        import dask.array as da
    except ImportError as exc:
        raise ImportError('fastinit.dask needs dask: pip install "fastinit[dask]"') from exc
    return dask, da


def _fill_block(block_info=None, *, plan, gen):
    """One block of the global array, placed by dask's ``block_info``: each
    contiguous run of it (the block is contiguous over its trailing
    full-extent axes) is filled at its global C-order offset, so the block
    depends on nothing but (seed, where it lies)."""
    info = block_info[None]
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


def _prepare(shape, dtype, chunks):
    _, da = _dask()
    shape, dt = _init.shape_and_dtype(shape, dtype)
    if math.prod(shape) == 0:
        warnings.warn("initializing a zero-element array is a no-op", UserWarning, stacklevel=4)
    return shape, dt, da.core.normalize_chunks(chunks, shape, dtype=dt)


def _elementwise_array(name, shape, args, kwargs, chunks, dtype, seed, layout):
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


def _whole_array(name, shape, args, kwargs, chunks, dtype, seed, layout):
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


def _advance_like(name, gen, shape, dtype, layout, args, kwargs):
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
    sparsity = args[0] if args else kwargs.get("sparsity")
    rows = shape[0] if layout == "oi" else shape[1]
    if math.ceil(sparsity * rows):
        gen.reserve(n, dtype=np.float64)


_WHOLE = ("orthogonal", "sparse", "eye", "dirac", "delta_orthogonal")


def _make(name):
    target = _init.INITIALIZERS[name]
    builder = _whole_array if name in _WHOLE else _elementwise_array

    def f(shape, *args, chunks="auto", dtype=np.float32, seed=None, layout="io", **kwargs):
        return builder(name, shape, args, kwargs, chunks, dtype, seed, layout)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"Lazy dask array equal (bitwise, for any ``chunks``) to "
                 f":func:`fastinit.init.{name}` with the same arguments.\n\n"
                 f"``chunks`` as in dask.array (default \"auto\").\n\n" + (target.__doc__ or ""))
    return f


for _name in __all__:
    globals()[_name] = _make(_name)
del _name
