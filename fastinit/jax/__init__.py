"""fastinit for JAX: ``jax.nn.initializers`` on fastinit's generator.

Every initializer of ``jax.nn.initializers`` with JAX's names, parameters
and semantics (``glorot_normal``, ``he_normal`` and ``lecun_normal`` are
truncated normals; ``in_axis``/``out_axis``/``batch_axis`` give the fans;
``fan_geo_avg``; ``orthogonal(column_axis)``; ``delta_orthogonal``)::

    import jax, fastinit.jax as fj
    init = fj.he_normal()
    W = init(jax.random.key(0), (784, 100), jnp.bfloat16)

Each factory returns ``init(key, shape, dtype=jnp.float_, *, sharding=None)``.
The values are fastinit's, computed on the host: the key's data seed a
``fastinit.random.Generator``, so they are not the values of JAX's own
stream, but the same key gives the same array, bit for bit, for any thread
count, and with ``sharding=`` each shard is filled at its global position
(``jax.make_array_from_callback``), bitwise equal to the unsharded array.

Under ``jax.jit`` the key is a tracer: the initializer then runs as a
``jax.pure_callback`` (the same values, computed on the host when the
compiled function runs; ``sharding=`` is not available there).
"""
from __future__ import annotations

try:
    import jax
    import jax.numpy as jnp
except ImportError as exc:  # pragma: no cover - exercised where jax is absent
    raise ImportError("fastinit.jax needs JAX: pip install 'fastinit[jax]'") from exc

import math
import mmap
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol, Union, cast

import numpy as np
import numpy.typing as npt

from .. import init as _fi
from ..random import Generator

__all__ = ["constant", "delta_orthogonal", "glorot_normal", "glorot_uniform", "he_normal",
           "he_uniform", "kaiming_normal", "kaiming_uniform", "lecun_normal", "lecun_uniform",
           "normal", "ones", "orthogonal", "truncated_normal", "uniform", "variance_scaling",
           "xavier_normal", "xavier_uniform", "zeros", "seed_from_key"]

_FLOATS = ("float32", "float64", "bfloat16", "float16")

_Shape = Union[int, Sequence[int]]  # an init's shape: an int or a sequence of ints
_Index = Union[tuple[slice, ...], None]  # a block of the array; None: the whole array
#: fill(out, gen, global shape, index): ``out`` is the block ``index`` of the array
_Fill = Callable[["np.ndarray[Any, Any]", Generator, tuple[int, ...], _Index], None]
_Mode = Literal["fan_in", "fan_out", "fan_avg", "fan_geo_avg"]
_Distribution = Literal["truncated_normal", "normal", "uniform"]
_Axes = Union[int, Sequence[int]]


def seed_from_key(key: jax.Array) -> int:
    """The fastinit seed of a JAX key: the integer its key data spell
    (typed keys of ``jax.random.key`` and raw ``PRNGKey`` arrays alike)."""
    if isinstance(key, jax.Array) and jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key):
        key = jax.random.key_data(key)
    data = np.asarray(key)
    if data.dtype.kind not in "ui" or data.size == 0:
        raise TypeError(f"key must be a JAX PRNG key, got {type(key).__name__} of dtype "
                        f"{getattr(data, 'dtype', None)}")
    return int.from_bytes(data.astype("<u4").tobytes(), "little")


def _dtype(dtype: npt.DTypeLike) -> np.dtype[Any]:
    dt: np.dtype[Any] = np.dtype(jnp.dtype(dtype))
    if dt.name not in _FLOATS:
        raise TypeError(f"dtype must be float32, float64, bfloat16 or float16, got {dt}")
    if dt.name == "float64" and not jax.config.jax_enable_x64:
        return np.dtype(np.float32)  # as JAX itself, without x64
    return dt


def _shape(shape: _Shape) -> tuple[int, ...]:
    return tuple(int(s) for s in ((shape,) if isinstance(shape, int) else shape))


# XLA's CPU client takes a NumPy array as a jax.Array without copying
# when its data are aligned to 64 bytes (the jax.Array then keeps the host
# array alive; jax.jit may still donate it), and NumPy aligns large arrays
# to 16 bytes only.  So a large host array is an anonymous mapping of its
# own (page-aligned), and a small one is cut at a 64-byte boundary from a
# byte buffer 64 bytes longer.  The mapping also leaves out the
# MADV_HUGEPAGE that NumPy asks for above 4 MiB, which slowed the first
# touch of a process whose memory only grows (a model being built): see
# docs/performance.md.  The mapping is private, as malloc's are: mmap's
# default for fileno -1 is a shared one, which a forked child writes
# through into its parent's weights (and which faults in slower).  On
# other devices device_put copies.
_DEVICE_ALIGN = 64
_MAPPED_MIN_BYTES = 4 << 20
# Windows has no fork and no flags: its anonymous mapping is already private
_MAP_FLAGS = ({"flags": mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS}
              if hasattr(mmap, "MAP_PRIVATE") else {})


def _host_array(shape: tuple[int, ...], dtype: np.dtype[Any]) -> np.ndarray[Any, Any]:
    """An uninitialized C-contiguous array whose data start on a 64-byte
    boundary."""
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes >= _MAPPED_MIN_BYTES:
        raw = np.frombuffer(mmap.mmap(-1, nbytes, **_MAP_FLAGS), np.uint8)
    else:
        raw = np.empty(nbytes + _DEVICE_ALIGN, np.uint8)
        start = -raw.ctypes.data % _DEVICE_ALIGN
        raw = raw[start:start + nbytes]
    return raw.view(dtype).reshape(shape)


def _to_device(fill: Callable[[np.ndarray[Any, Any]], object], shape: tuple[int, ...],
               dtype: np.dtype[Any]) -> jax.Array:
    """``fill`` a fresh host array of ``shape`` and ``dtype`` and hand it to
    the default device (no copy on the CPU)."""
    out = _host_array(shape, dtype)
    fill(out)
    return jax.device_put(out)


def _is_traced(key: object) -> bool:
    return isinstance(key, jax.core.Tracer)


class _Init:
    """``init(key, shape, dtype=..., *, sharding=None)``: fills with
    ``fill(array, gen, global_shape, index)`` (index None: whole array)."""

    def __init__(self, fill: _Fill, dtype: npt.DTypeLike, name: str,
                 shardable: bool = True) -> None:
        self._fill, self._dtype, self.__name__ = fill, dtype, name
        self._shardable = shardable

    def __repr__(self) -> str:
        return f"<fastinit.jax initializer {self.__name__}>"

    def _host(self, seed: int, shape: tuple[int, ...], dtype: np.dtype[Any],
              index: _Index = None) -> np.ndarray[Any, Any]:
        block = shape if index is None else tuple(len(range(*ix.indices(n)))
                                                  for ix, n in zip(index, shape))
        out = _host_array(block, dtype)
        self._fill(out, Generator(seed), shape, index)
        return out

    def __call__(self, key: jax.Array, shape: _Shape, dtype: npt.DTypeLike | None = None, *,
                 sharding: jax.sharding.Sharding | None = None) -> jax.Array:
        shape = _shape(shape)
        dt = _dtype(self._dtype if dtype is None else dtype)
        if _is_traced(key):
            if sharding is not None:
                raise ValueError("sharding= is not available under jit: call the "
                                 "initializer outside jit, or shard the result with "
                                 "jax.lax.with_sharding_constraint")
            data = jax.random.key_data(key) if jax.dtypes.issubdtype(
                key.dtype, jax.dtypes.prng_key) else key
            return jax.pure_callback(
                lambda d: self._host(seed_from_key(d), shape, dt),
                jax.ShapeDtypeStruct(shape, dt), data)
        seed = seed_from_key(key)
        if sharding is None:
            return _to_device(lambda out: self._fill(out, Generator(seed), shape, None),
                              shape, dt)
        if not self._shardable:
            # one matrix factorization: computed whole, then each shard cut from it
            whole = self._host(seed, shape, dt)
            return jax.make_array_from_callback(shape, sharding, lambda ix: whole[ix])
        return jax.make_array_from_callback(
            shape, sharding,
            lambda ix: self._host(seed, shape, dt, tuple(
                i if isinstance(i, slice) else slice(i, i + 1) for i in
                (ix + (slice(None),) * (len(shape) - len(ix))))))


def _fill_plan(out: np.ndarray[Any, Any], plan: tuple[Any, ...], gen: Generator,
               shape: tuple[int, ...], index: _Index) -> None:
    """``out`` as the plan of fastinit.init says: the whole array, or the
    block ``index`` of an array of ``shape``."""
    if index is None:
        _fi.apply_plan(out.reshape(-1), plan, gen)
    else:
        global_shape, starts = _fi.shard_block(out.shape, shape, index)
        assert starts is not None  # None only for a whole array (no index)
        _fi.apply_plan_block(out, plan, gen, global_shape, starts)


def _elementwise(plan: tuple[Any, ...], dtype: npt.DTypeLike, name: str) -> _Init:
    """An initializer from a plan ("normal", mean, std) etc. of fastinit.init."""
    return _Init(lambda out, gen, shape, index: _fill_plan(out, plan, gen, shape, index),
                 dtype, name)


def _default_dtype() -> npt.DTypeLike:
    return cast("npt.DTypeLike", jnp.float_)


def zeros(key: jax.Array, shape: _Shape, dtype: npt.DTypeLike | None = None, *,
          sharding: jax.sharding.Sharding | None = None) -> jax.Array:
    """Zeros (JAX: a function of (key, shape, dtype), not a factory)."""
    return constant(0.0)(key, shape, dtype, sharding=sharding)


def ones(key: jax.Array, shape: _Shape, dtype: npt.DTypeLike | None = None, *,
         sharding: jax.sharding.Sharding | None = None) -> jax.Array:
    """Ones (JAX: a function of (key, shape, dtype), not a factory)."""
    return constant(1.0)(key, shape, dtype, sharding=sharding)


def constant(value: float, dtype: npt.DTypeLike | None = None) -> _Init:
    """Every element ``value``."""
    value = float(value)
    return _elementwise(("constant", value), dtype or _default_dtype(), "constant")


def normal(stddev: float = 1e-2, dtype: npt.DTypeLike | None = None) -> _Init:
    """Normal(0, stddev)."""
    return _elementwise(("normal", 0.0, float(stddev)), dtype or _default_dtype(), "normal")


def uniform(scale: float = 1e-2, dtype: npt.DTypeLike | None = None) -> _Init:
    """Uniform on [0, scale), as JAX."""
    return _elementwise(("uniform", 0.0, float(scale)), dtype or _default_dtype(), "uniform")


def truncated_normal(stddev: float = 1e-2, dtype: npt.DTypeLike | None = None, lower: float = -2.0,
                     upper: float = 2.0) -> _Init:
    """stddev times a standard normal truncated to [lower, upper] (in
    standard deviations, as JAX)."""
    return _elementwise(("truncated_normal", 0.0, float(stddev), float(lower), float(upper)),
                        dtype or _default_dtype(), "truncated_normal")


def variance_scaling(scale: float, mode: _Mode, distribution: _Distribution,
                     in_axis: _Axes = -2, out_axis: _Axes = -1, batch_axis: _Axes = (),
                     dtype: npt.DTypeLike | None = None) -> _Init:
    """JAX's ``variance_scaling``: variance scale / n, n from ``mode``
    ("fan_in", "fan_out", "fan_avg", "fan_geo_avg") over the fans of the
    ``in_axis``/``out_axis``/``batch_axis`` axes; ``distribution``
    "truncated_normal" (at +-2 std, rescaled by 0.8796...), "normal" or
    "uniform"."""
    if mode not in ("fan_in", "fan_out", "fan_avg", "fan_geo_avg"):
        raise ValueError(f"invalid mode for variance scaling initializer: {mode}")
    if distribution not in ("truncated_normal", "normal", "uniform"):
        raise ValueError(f"invalid distribution for variance scaling initializer: "
                         f"{distribution}")
    axes = _fi.FanAxes(in_axis, out_axis, batch_axis)

    def fill(out: np.ndarray[Any, Any], gen: Generator, shape: tuple[int, ...],
             index: _Index) -> None:
        if len(shape) < 2:
            raise ValueError(f"Can't compute input and output sizes of a {len(shape)}-"
                             "dimensional weights tensor. Must be at least 2D.")
        plan = _fi.PLANS["variance_scaling"](shape, scale, mode, distribution, layout=axes)
        _fill_plan(out, plan, gen, shape, index)
    return _Init(fill, dtype or _default_dtype(), f"variance_scaling({scale}, {mode!r}, "
                                                  f"{distribution!r})")


class _Factory(Protocol):
    """The type of ``glorot_uniform`` and the other variance_scaling presets."""

    def __call__(self, in_axis: _Axes = -2, out_axis: _Axes = -1, batch_axis: _Axes = (),
                 dtype: npt.DTypeLike | None = None) -> _Init: ...


def _vs(scale: float, mode: _Mode, distribution: _Distribution, name: str) -> _Factory:
    def factory(in_axis: _Axes = -2, out_axis: _Axes = -1, batch_axis: _Axes = (),
                dtype: npt.DTypeLike | None = None) -> _Init:
        init = variance_scaling(scale, mode, distribution, in_axis, out_axis, batch_axis, dtype)
        init.__name__ = name
        return init
    factory.__name__ = factory.__qualname__ = name
    factory.__doc__ = (f"JAX's ``{name}``: ``variance_scaling({scale}, {mode!r}, "
                       f"{distribution!r}, in_axis, out_axis, batch_axis, dtype)``.")
    return factory


glorot_uniform = xavier_uniform = _vs(1.0, "fan_avg", "uniform", "glorot_uniform")
glorot_normal = xavier_normal = _vs(1.0, "fan_avg", "truncated_normal", "glorot_normal")
lecun_uniform = _vs(1.0, "fan_in", "uniform", "lecun_uniform")
lecun_normal = _vs(1.0, "fan_in", "truncated_normal", "lecun_normal")
he_uniform = kaiming_uniform = _vs(2.0, "fan_in", "uniform", "he_uniform")
he_normal = kaiming_normal = _vs(2.0, "fan_in", "truncated_normal", "he_normal")


def orthogonal(scale: float = 1.0, column_axis: int = -1,
               dtype: npt.DTypeLike | None = None) -> _Init:
    """A (semi-)orthogonal matrix times ``scale``: the array viewed as
    (elements / shape[column_axis], shape[column_axis]), as JAX."""
    def fill(out: np.ndarray[Any, Any], gen: Generator, shape: tuple[int, ...],
             index: _Index) -> None:
        if len(shape) < 2:
            raise ValueError("orthogonal initializer requires at least a 2D shape")
        cols = shape[column_axis]
        moved = np.moveaxis(np.empty(shape, np.float64), column_axis, -1)
        flat = np.empty((math.prod(shape) // cols, cols), np.float64)
        _fi.orthogonal_(flat, scale, seed=gen, layout="io")
        out[...] = np.moveaxis(flat.reshape(moved.shape), -1, column_axis)
    return _Init(fill, dtype or _default_dtype(), "orthogonal", shardable=False)


def delta_orthogonal(scale: float = 1.0, column_axis: int = -1,
                     dtype: npt.DTypeLike | None = None) -> _Init:
    """Xiao et al. (2018), JAX's ``delta_orthogonal``: a 3-, 4- or 5-D
    kernel (*spatial, in, out), zero but for an orthogonal (in, out) matrix
    at the spatial centre; needs in <= out."""
    if column_axis not in (-1,):
        raise ValueError("delta_orthogonal supports column_axis=-1 only (JAX's default)")

    def fill(out: np.ndarray[Any, Any], gen: Generator, shape: tuple[int, ...],
             index: _Index) -> None:
        if len(shape) not in (3, 4, 5):
            raise ValueError("Delta orthogonal initializer requires a 3D, 4D or 5D shape.")
        if shape[-1] < shape[-2]:
            raise ValueError("`fan_in` must be less or equal than `fan_out`. ")
        full = np.empty(shape, np.float64)
        _fi.delta_orthogonal_(full, scale, seed=gen, layout="io")
        out[...] = full
    return _Init(fill, dtype or _default_dtype(), "delta_orthogonal", shardable=False)
