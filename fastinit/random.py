"""Counter-based random numbers: ``fastinit.random.Generator``.

The bit generator is Philox4x32-10 (Salmon et al., SC 2011): each 128-bit
counter and 64-bit key give four 32-bit words, with no state in between.
Element ``i`` of any fill is therefore a pure function of
``(seed, stream, position, i)``: the same seed gives the same bits for any
thread count, any chunking and any SIMD kernel set (the AVX2/AVX-512 kernels
compute exactly what the portable C computes), and ``offset=k`` makes
elements ``[k, k + n)`` of a fill on their own — a slice of a large tensor
matches the same slice of the whole.

Like ``numpy.random.Generator``, a call without ``offset`` draws the next
numbers and advances the generator, so two calls give different numbers.
A call with ``offset=k`` addresses the stream explicitly and does not
advance it::

    g = Generator(42)
    w = g.normal((1000, 1000))                 # elements [0, 10**6), advances
    h = Generator(42)
    h.normal(10, offset=500) == w.ravel()[500:510]   # all True; h not advanced

Which Philox words each element uses is documented in
csrc/random/distributions.h.
"""
from __future__ import annotations

import math
import numbers
import struct
import threading
from collections.abc import Iterable, Sequence
from typing import Any, SupportsIndex, TypeAlias, TypeVar, cast, overload

import numpy as np
from numpy.typing import DTypeLike, NDArray

from . import _core
from ._validate import (FILL_DTYPE_NAMES, FILL_DTYPES, ShapeLike, fill_dtype, half_format,
                        index, output, real_number)

#: what Generator(seed) takes
SeedLike: TypeAlias = (int | Sequence[int] | NDArray[np.integer[Any]]
                       | np.random.SeedSequence | None)
#: the C state tuple (key0, key1, stream, start) of fastinit._core's fills
State: TypeAlias = tuple[int, int, int, int]

_ScalarT = TypeVar("_ScalarT", bound="np.generic[Any]")

__all__ = ["Generator", "as_generator", "philox4x32"]

_UNIFORM, _NORMAL, _TRUNCATED = (int(_core.fi_dist_kind.FI_DIST_UNIFORM),
                                 int(_core.fi_dist_kind.FI_DIST_NORMAL),
                                 int(_core.fi_dist_kind.FI_DIST_TRUNCATED_NORMAL))
_U64 = 1 << 64
# Generators one spawn() call may return: a larger list would take minutes
# and gigabytes to build before anything could be done with it.
MAX_SPAWN = 1 << 24
# Guards the position update only (the fills themselves run without the GIL
# on disjoint counters), so two threads sharing a generator never draw the
# same numbers.
_POSITION_LOCK = threading.Lock()


def _elements_per_block(dtype: DTypeLike) -> int:
    """Elements one Philox block yields: 4 float32 values (and so 4 of a
    16-bit format, which rounds the float32 fill), 2 float64/int64."""
    return 2 if np.dtype(dtype).itemsize == 8 else 4


@overload
def _shape(size: None) -> None: ...
@overload
def _shape(size: ShapeLike) -> tuple[int, ...]: ...
def _shape(size: ShapeLike | None) -> tuple[int, ...] | None:
    """None, or the shape tuple of an int or a sequence of ints >= 0."""
    if size is None:
        return None
    if isinstance(size, (numbers.Integral, np.integer)) and not isinstance(size, (bool, np.bool_)):
        return (index(size, "size"),)
    try:
        return tuple(index(s, "size") for s in cast("Iterable[object]", size))
    except TypeError:
        raise TypeError(f"size/shape must be an int or a tuple of ints, got {size!r}") from None


def _float_dtype(dtype: DTypeLike | None, out: object) -> np.dtype[Any]:
    """The dtype a fill writes: ``dtype``, else out's, else float32."""
    if dtype is None:
        if not isinstance(out, np.ndarray):
            return np.dtype(np.float32)
        out_dtype: np.dtype[Any] = out.dtype
        if out_dtype not in FILL_DTYPES:
            raise TypeError(f"out must have dtype {FILL_DTYPE_NAMES}, got {out_dtype}")
        return out_dtype
    return fill_dtype(dtype)


_F32 = struct.Struct("<f")  # standard size: overflow raises, unlike native "f"


def _difference_is_finite(a: float, b: float, dt: np.dtype[Any]) -> bool:
    """Whether a - b, in dt as the kernels compute it, is finite (a, b
    finite floats).  Plain Python floats: NumPy's 0-d arithmetic under
    errstate cost ~3 us a call.  For float32, struct rounds to float32 and
    raises OverflowError where the result is infinite; rounding the double
    difference of two float32 values decides overflow exactly as float32
    subtraction does (it is exact unless their exponents differ by over 29,
    and then the smaller one is far below the last ulp before overflow)."""
    if dt == np.float64:
        return math.isfinite(a - b)
    try:
        _F32.pack(_F32.unpack(_F32.pack(a))[0] - _F32.unpack(_F32.pack(b))[0])
    except OverflowError:
        return False
    return True


def _finite(value: object, name: str) -> float:
    v = real_number(value, name)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v}")
    return v


class Generator:
    """Philox4x32-10 random numbers, reproducible across threads and machines.

    Every float method takes ``dtype`` (float32 by default, float64, or the
    16-bit ``np.float16`` and bfloat16 -- ``ml_dtypes.bfloat16`` or the string
    ``"bfloat16"`` -- whose element i is the float32 fill's element i rounded
    to nearest even, in the kernels' stores; with ``out=`` its dtype),
    ``out=`` (a C-contiguous writable array filled in
    place) and ``offset=`` (see the module docstring).  ``size=None`` returns
    one scalar.

    Parameters
    ----------
    seed : None, int >= 0, sequence of ints or numpy.random.SeedSequence
        Hashed by ``numpy.random.SeedSequence`` into the 64-bit Philox key and
        a 64-bit stream id.  None draws fresh entropy from the OS.
    """

    def __init__(self, seed: SeedLike = None) -> None:
        if isinstance(seed, Generator):
            raise TypeError("Generator(seed) takes an int, a SeedSequence or None; "
                            "to share a generator pass the Generator itself as seed= "
                            "to the initializers")
        if isinstance(seed, (bool, np.bool_)):
            raise TypeError("seed must be an int, a sequence of ints, a SeedSequence or None, "
                            "got bool")
        if isinstance(seed, np.random.SeedSequence):
            seq = seed
        else:
            if isinstance(seed, np.ndarray):
                # SeedSequence recurses in C without end on np.matrix (its rows
                # are matrices again) and segfaults: hand it a plain ndarray.
                seed = np.asarray(seed)
            try:
                seq = np.random.SeedSequence(seed)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"invalid seed {seed!r}: {exc}") from None
        words = seq.generate_state(4, np.uint32)
        self._seed_seq = seq
        self._key = (int(words[0]), int(words[1]))
        self._stream = int(words[2]) | (int(words[3]) << 32)
        self._position = 0

    # -- state -----------------------------------------------------------------
    @property
    def seed_seq(self) -> np.random.SeedSequence:
        """The numpy.random.SeedSequence this generator was made from."""
        return self._seed_seq

    @property
    def position(self) -> int:
        """Philox blocks consumed so far; the next call starts there."""
        return self._position

    def __repr__(self) -> str:
        return (f"fastinit.random.Generator(key=0x{self._key[1]:08x}{self._key[0]:08x}, "
                f"stream=0x{self._stream:016x}, position={self._position})")

    def snapshot(self) -> Generator:
        """An independent copy at the current position (e.g. to send a fill's
        parameters to other processes while this generator moves on)."""
        g = object.__new__(Generator)
        g.__dict__.update(self.__dict__)
        return g

    def reserve(self, n: SupportsIndex, *, dtype: DTypeLike = np.float32) -> Generator:
        """Set aside the next ``n`` elements of a float fill: return a snapshot
        positioned at them and advance this generator past them, exactly as
        a fill of ``n`` elements of ``dtype`` would.  Any part of them can
        then be drawn later, in any process, with
        ``snapshot.<method>(..., offset=k)`` (fastinit.dask does this)."""
        n = index(n, "n")
        dt = _float_dtype(dtype, None)
        snap = self.snapshot()
        state, _ = self._take(n, _elements_per_block(dt), None)
        snap._position = state[3]
        return snap

    def spawn(self, n: SupportsIndex) -> list[Generator]:
        """``n`` new generators with independent streams (SeedSequence.spawn),
        e.g. one per worker or per layer; at most ``MAX_SPAWN`` at once."""
        n = index(n, "n")
        if n > MAX_SPAWN:  # a list that large would exhaust memory long before it returned
            raise ValueError(f"n must be <= {MAX_SPAWN} generators per spawn call, got {n}")
        return [Generator(s) for s in self._seed_seq.spawn(n)]

    def _take(self, n: int, per_block: int, offset: SupportsIndex | None) -> tuple[State, int]:
        """The C state tuple and first element index for a fill of n elements;
        advances the generator unless offset is given."""
        if offset is None:
            off = 0
            blocks = -(-n // per_block)
            with _POSITION_LOCK:
                start = self._position
                if start + blocks >= _U64:
                    raise OverflowError("generator exhausted its 2**64 Philox blocks")
                self._position = start + blocks
        else:
            start = self._position
            off = index(offset, "offset")
            if (off + n) // per_block + start >= _U64:
                raise OverflowError(f"offset {off} + size {n} is beyond the 2**64-block stream")
        return (self._key[0], self._key[1], self._stream, start), off

    def _fill(self, kind: int, size: ShapeLike | None, dtype: DTypeLike | None, out: object,
              offset: SupportsIndex | None, p0: float, p1: float, p2: float = 0.0,
              p3: float = 0.0) -> Any:
        if out is not None and not isinstance(out, np.ndarray):
            raise TypeError(f"out must be a numpy.ndarray, got {type(out).__name__}")
        dtype = _float_dtype(dtype, out)
        shape = _shape(size)
        if out is not None and shape is not None and tuple(out.shape) != shape:
            raise ValueError(f"size {shape} does not match out of shape {out.shape}")
        res = output(out, shape if shape is not None else
                     (out.shape if out is not None else ()), dtype)
        flat = res.reshape(-1)
        state, off = self._take(flat.size, _elements_per_block(dtype), offset)
        if flat.size:
            fmt = half_format(dtype)
            if fmt is None:
                _core.fill(kind, state, off, flat, p0, p1, p2, p3)
            else:  # the float32 fill, rounded in the kernels' stores
                _core.fill_h16(kind, state, off, flat.view(np.uint16), fmt, p0, p1, p2, p3)
        if shape is None and out is None:
            return res[()]
        return res

    # -- distributions -----------------------------------------------------------
    @overload
    def uniform(self, size: None = None, low: float = 0.0, high: float = 1.0, *,
                dtype: None = None, out: None = None,
                offset: SupportsIndex | None = None) -> np.float32: ...
    @overload
    def uniform(self, size: None = None, low: float = 0.0, high: float = 1.0, *,
                dtype: type[_ScalarT] | np.dtype[_ScalarT], out: None = None,
                offset: SupportsIndex | None = None) -> _ScalarT: ...
    @overload
    def uniform(self, size: None = None, low: float = 0.0, high: float = 1.0, *, dtype: DTypeLike,
                out: None = None, offset: SupportsIndex | None = None) -> Any: ...
    @overload
    def uniform(self, size: ShapeLike, low: float = 0.0, high: float = 1.0, *, dtype: None = None,
                out: None = None, offset: SupportsIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def uniform(self, size: ShapeLike, low: float = 0.0, high: float = 1.0, *,
                dtype: type[_ScalarT] | np.dtype[_ScalarT], out: None = None,
                offset: SupportsIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def uniform(self, size: ShapeLike, low: float = 0.0, high: float = 1.0, *, dtype: DTypeLike,
                out: None = None, offset: SupportsIndex | None = None) -> NDArray[Any]: ...
    @overload
    def uniform(self, size: ShapeLike | None = None, low: float = 0.0, high: float = 1.0, *,
                dtype: DTypeLike | None = None, out: NDArray[_ScalarT],
                offset: SupportsIndex | None = None) -> NDArray[_ScalarT]: ...
    def uniform(self, size: ShapeLike | None = None, low: float = 0.0, high: float = 1.0, *,
                dtype: DTypeLike | None = None, out: NDArray[Any] | None = None,
                offset: SupportsIndex | None = None) -> Any:
        """Uniform on [low, high): ``low + (high - low) * u`` with u carrying 24
        (float32) or 53 (float64) random bits.  The product may round up to
        ``high`` when (high - low) * u is inexact, as with NumPy."""
        low = _finite(low, "low")
        high = _finite(high, "high")
        if not low < high:
            raise ValueError(f"uniform needs low < high, got low={low}, high={high}")
        dt = _float_dtype(dtype, out)
        if not _difference_is_finite(high, low, dt):
            raise ValueError(f"high - low overflows {dt}")
        return self._fill(_UNIFORM, size, dtype, out, offset, low, high)

    @overload
    def random(self, size: None = None, *, dtype: None = None, out: None = None,
               offset: SupportsIndex | None = None) -> np.float32: ...
    @overload
    def random(self, size: None = None, *, dtype: type[_ScalarT] | np.dtype[_ScalarT],
               out: None = None, offset: SupportsIndex | None = None) -> _ScalarT: ...
    @overload
    def random(self, size: None = None, *, dtype: DTypeLike, out: None = None,
               offset: SupportsIndex | None = None) -> Any: ...
    @overload
    def random(self, size: ShapeLike, *, dtype: None = None, out: None = None,
               offset: SupportsIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def random(self, size: ShapeLike, *, dtype: type[_ScalarT] | np.dtype[_ScalarT],
               out: None = None, offset: SupportsIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def random(self, size: ShapeLike, *, dtype: DTypeLike, out: None = None,
               offset: SupportsIndex | None = None) -> NDArray[Any]: ...
    @overload
    def random(self, size: ShapeLike | None = None, *, dtype: DTypeLike | None = None,
               out: NDArray[_ScalarT],
               offset: SupportsIndex | None = None) -> NDArray[_ScalarT]: ...
    def random(self, size: ShapeLike | None = None, *, dtype: DTypeLike | None = None,
               out: NDArray[Any] | None = None, offset: SupportsIndex | None = None) -> Any:
        """Uniform on [0, 1), as ``numpy.random.Generator.random``."""
        return self._fill(_UNIFORM, size, dtype, out, offset, 0.0, 1.0)

    @overload
    def normal(self, size: None = None, mean: float = 0.0, std: float = 1.0, *, dtype: None = None,
               out: None = None, offset: SupportsIndex | None = None) -> np.float32: ...
    @overload
    def normal(self, size: None = None, mean: float = 0.0, std: float = 1.0, *,
               dtype: type[_ScalarT] | np.dtype[_ScalarT], out: None = None,
               offset: SupportsIndex | None = None) -> _ScalarT: ...
    @overload
    def normal(self, size: None = None, mean: float = 0.0, std: float = 1.0, *, dtype: DTypeLike,
               out: None = None, offset: SupportsIndex | None = None) -> Any: ...
    @overload
    def normal(self, size: ShapeLike, mean: float = 0.0, std: float = 1.0, *, dtype: None = None,
               out: None = None, offset: SupportsIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def normal(self, size: ShapeLike, mean: float = 0.0, std: float = 1.0, *,
               dtype: type[_ScalarT] | np.dtype[_ScalarT], out: None = None,
               offset: SupportsIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def normal(self, size: ShapeLike, mean: float = 0.0, std: float = 1.0, *, dtype: DTypeLike,
               out: None = None, offset: SupportsIndex | None = None) -> NDArray[Any]: ...
    @overload
    def normal(self, size: ShapeLike | None = None, mean: float = 0.0, std: float = 1.0, *,
               dtype: DTypeLike | None = None, out: NDArray[_ScalarT],
               offset: SupportsIndex | None = None) -> NDArray[_ScalarT]: ...
    def normal(self, size: ShapeLike | None = None, mean: float = 0.0, std: float = 1.0, *,
               dtype: DTypeLike | None = None, out: NDArray[Any] | None = None,
               offset: SupportsIndex | None = None) -> Any:
        """Normal(mean, std) by Box-Muller (vectorized, per-pair pure).

        The radius uses u1 in (0, 1], so no draw is infinite; the largest
        |z| is 5.77 (float32) / 8.57 (float64) standard deviations."""
        mean = _finite(mean, "mean")
        std = _finite(std, "std")
        if std < 0:
            raise ValueError(f"std must be >= 0, got {std}")
        return self._fill(_NORMAL, size, dtype, out, offset, mean, std)

    @overload
    def standard_normal(self, size: None = None, *, dtype: None = None, out: None = None,
                        offset: SupportsIndex | None = None) -> np.float32: ...
    @overload
    def standard_normal(self, size: None = None, *, dtype: type[_ScalarT] | np.dtype[_ScalarT],
                        out: None = None, offset: SupportsIndex | None = None) -> _ScalarT: ...
    @overload
    def standard_normal(self, size: None = None, *, dtype: DTypeLike, out: None = None,
                        offset: SupportsIndex | None = None) -> Any: ...
    @overload
    def standard_normal(self, size: ShapeLike, *, dtype: None = None, out: None = None,
                        offset: SupportsIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def standard_normal(self, size: ShapeLike, *, dtype: type[_ScalarT] | np.dtype[_ScalarT],
                        out: None = None,
                        offset: SupportsIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def standard_normal(self, size: ShapeLike, *, dtype: DTypeLike, out: None = None,
                        offset: SupportsIndex | None = None) -> NDArray[Any]: ...
    @overload
    def standard_normal(self, size: ShapeLike | None = None, *, dtype: DTypeLike | None = None,
                        out: NDArray[_ScalarT],
                        offset: SupportsIndex | None = None) -> NDArray[_ScalarT]: ...
    def standard_normal(self, size: ShapeLike | None = None, *, dtype: DTypeLike | None = None,
                        out: NDArray[Any] | None = None,
                        offset: SupportsIndex | None = None) -> Any:
        """Normal(0, 1), as ``numpy.random.Generator.standard_normal``."""
        return self._fill(_NORMAL, size, dtype, out, offset, 0.0, 1.0)

    @overload
    def truncated_normal(self, size: None = None, mean: float = 0.0, std: float = 1.0,
                         a: float = -2.0, b: float = 2.0, *, dtype: None = None, out: None = None,
                         offset: SupportsIndex | None = None) -> np.float32: ...
    @overload
    def truncated_normal(self, size: None = None, mean: float = 0.0, std: float = 1.0,
                         a: float = -2.0, b: float = 2.0, *,
                         dtype: type[_ScalarT] | np.dtype[_ScalarT], out: None = None,
                         offset: SupportsIndex | None = None) -> _ScalarT: ...
    @overload
    def truncated_normal(self, size: None = None, mean: float = 0.0, std: float = 1.0,
                         a: float = -2.0, b: float = 2.0, *, dtype: DTypeLike, out: None = None,
                         offset: SupportsIndex | None = None) -> Any: ...
    @overload
    def truncated_normal(self, size: ShapeLike, mean: float = 0.0, std: float = 1.0,
                         a: float = -2.0, b: float = 2.0, *, dtype: None = None, out: None = None,
                         offset: SupportsIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def truncated_normal(self, size: ShapeLike, mean: float = 0.0, std: float = 1.0,
                         a: float = -2.0, b: float = 2.0, *,
                         dtype: type[_ScalarT] | np.dtype[_ScalarT], out: None = None,
                         offset: SupportsIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def truncated_normal(self, size: ShapeLike, mean: float = 0.0, std: float = 1.0,
                         a: float = -2.0, b: float = 2.0, *, dtype: DTypeLike, out: None = None,
                         offset: SupportsIndex | None = None) -> NDArray[Any]: ...
    @overload
    def truncated_normal(self, size: ShapeLike | None = None, mean: float = 0.0, std: float = 1.0,
                         a: float = -2.0, b: float = 2.0, *, dtype: DTypeLike | None = None,
                         out: NDArray[_ScalarT],
                         offset: SupportsIndex | None = None) -> NDArray[_ScalarT]: ...
    def truncated_normal(self, size: ShapeLike | None = None, mean: float = 0.0, std: float = 1.0,
                         a: float = -2.0, b: float = 2.0, *, dtype: DTypeLike | None = None,
                         out: NDArray[Any] | None = None,
                         offset: SupportsIndex | None = None) -> Any:
        """Normal(mean, std) restricted to [mean + a*std, mean + b*std].

        ``a`` and ``b`` are in standard deviations, as in Keras and JAX
        (PyTorch's ``trunc_normal_`` takes absolute bounds instead).  Sampled
        by the inverse CDF — no rejection loop, so every element stays a pure
        function of its index.  a may be -inf and b +inf."""
        mean = _finite(mean, "mean")
        std = _finite(std, "std")
        a = real_number(a, "a")
        b = real_number(b, "b")
        if std < 0:
            raise ValueError(f"std must be >= 0, got {std}")
        if math.isnan(a) or math.isnan(b) or not a < b:
            raise ValueError(f"truncated_normal needs a < b, got a={a}, b={b}")
        if a >= 37.0 or b <= -37.0:
            raise ValueError(f"[a, b] = [{a}, {b}] lies beyond 37 standard deviations, "
                             "where the normal's mass is below double precision")
        return self._fill(_TRUNCATED, size, dtype, out, offset, mean, std, a, b)

    @overload
    def integers(self, low: SupportsIndex, high: SupportsIndex | None = None, size: None = None, *,
                 dtype: DTypeLike = np.int64,
                 offset: SupportsIndex | None = None) -> np.signedinteger[Any]: ...
    @overload
    def integers(self, low: SupportsIndex, high: SupportsIndex | None, size: ShapeLike, *,
                 dtype: DTypeLike = np.int64,
                 offset: SupportsIndex | None = None) -> NDArray[np.signedinteger[Any]]: ...
    @overload
    def integers(self, low: SupportsIndex, high: SupportsIndex | None = None, *, size: ShapeLike,
                 dtype: DTypeLike = np.int64,
                 offset: SupportsIndex | None = None) -> NDArray[np.signedinteger[Any]]: ...
    def integers(self, low: SupportsIndex, high: SupportsIndex | None = None,
                 size: ShapeLike | None = None, *, dtype: DTypeLike = np.int64,
                 offset: SupportsIndex | None = None) -> Any:
        """Integers in [low, high) (or [0, low) when high is None), as NumPy.

        Each element uses 64 random bits, scaled without rejection (so it
        stays a pure function of its index): the bias is below
        (high - low) / 2**64."""
        if high is None:
            low, high = 0, low
        low = index(low, "low", minimum=-(1 << 63))
        high = index(high, "high", minimum=-(1 << 63))
        dt = np.dtype(dtype)
        if dt not in (np.dtype(np.int64), np.dtype(np.int32)):
            raise TypeError(f"dtype must be int32 or int64, got {dt}")
        info = np.iinfo(dt)
        if not low < high:
            raise ValueError(f"integers needs low < high, got low={low}, high={high}")
        if low < info.min or high - 1 > info.max:
            raise ValueError(f"[{low}, {high}) does not fit {dt}")
        shape = _shape(size)
        res = np.empty(() if shape is None else shape, dtype=np.int64)
        flat = res.reshape(-1)
        state, off = self._take(flat.size, 2, offset)
        if flat.size:
            _core.integers(state, off, flat, low, (high - low) % _U64)
        if dt != np.int64:
            res = res.astype(dt)
        return res[()] if shape is None else res


def as_generator(seed: SeedLike | Generator) -> Generator:
    """The Generator a ``seed=`` argument stands for: a Generator is used
    (and advanced) as is; None, an int or a SeedSequence makes a new one."""
    if isinstance(seed, Generator):
        return seed
    if isinstance(seed, np.random.Generator):
        raise TypeError("seed must be an int, None or a fastinit.random.Generator, "
                        "not a numpy.random.Generator (fastinit's streams are "
                        "counter-based; pass an int seed instead)")
    return Generator(seed)


def philox4x32(counter: Sequence[SupportsIndex],
               key: Sequence[SupportsIndex]) -> NDArray[np.uint32]:
    """Philox4x32-10 of one 128-bit counter (four uint32 words) and a 64-bit
    key (two words): the raw bit generator, as Random123's philox4x32_10."""
    c = [index(w, "counter word") for w in counter]
    k = [index(w, "key word") for w in key]
    if len(c) != 4 or len(k) != 2 or max(c + k) >= 1 << 32:
        raise ValueError("counter must be 4 and key 2 unsigned 32-bit words")
    out = np.empty(4, np.uint32)
    _core.philox_words((k[0], k[1], c[2] | (c[3] << 32), 0), c[0] | (c[1] << 32), out)
    return out
