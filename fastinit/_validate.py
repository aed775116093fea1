"""Argument checking shared by every public function that reaches C.

The rule: the compiled kernels see only C-contiguous float32/float64 arrays
(and, for the fills, float16/bfloat16 ones) of checked shapes.  Anything else is converted (non-contiguous inputs are
copied) or rejected here with a TypeError/ValueError that names the argument,
the dtype or both shapes.
"""
from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Iterable, Sequence
from typing import Any, SupportsIndex, TypeAlias, TypeVar, cast

import ml_dtypes
import numpy as np
from numpy.typing import DTypeLike, NDArray

from . import _core

#: a shape: an int or a sequence of ints
ShapeLike: TypeAlias = SupportsIndex | Sequence[SupportsIndex]

FLOAT_DTYPES: tuple[np.dtype[Any], ...] = (np.dtype(np.float32), np.dtype(np.float64))

# bfloat16 is ml_dtypes' (the dtype JAX uses; a small dependency on NumPy
# alone): a NumPy dtype like any other, so arrays of it need no wrapper.
BFLOAT16: np.dtype[Any] = np.dtype(ml_dtypes.bfloat16)
HALF_DTYPES: tuple[np.dtype[Any], ...] = (np.dtype(np.float16), BFLOAT16)
# what the fills and initializers write: the kernels' own two, and the 16-bit
# formats the float32 kernels round to in their stores
FILL_DTYPES = FLOAT_DTYPES + HALF_DTYPES
_ArrayOrNone = TypeVar("_ArrayOrNone", bound="NDArray[Any] | None")

FILL_DTYPE_NAMES = "float32, float64, float16 or bfloat16"


def fill_dtype(dtype: DTypeLike, name: str = "dtype") -> np.dtype[Any]:
    """The NumPy dtype a fill or initializer writes, from a dtype-like value
    (``np.float16``, ``ml_dtypes.bfloat16``, ``"bfloat16"``, ...)."""
    if isinstance(dtype, str) and dtype.lower() == "bfloat16":
        return BFLOAT16
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be {FILL_DTYPE_NAMES}, got {dtype!r}") from None
    if dt not in FILL_DTYPES:
        raise TypeError(f"{name} must be {FILL_DTYPE_NAMES}, got {dt}")
    return dt


def half_format(dtype: DTypeLike) -> int | None:
    """The C output format (fi_out_fmt) of a 16-bit dtype; None for
    float32/float64."""
    return _HALF_FORMATS.get(np.dtype(dtype))


_HALF_FORMATS: dict[np.dtype[Any], int] = {np.dtype(np.float16): int(_core.fi_out_fmt.FI_OUT_F16),
                 BFLOAT16: int(_core.fi_out_fmt.FI_OUT_BF16)}


def float_array(x: object, name: str, ndim: int | None = None) -> NDArray[np.floating[Any]]:
    """Return `x` as a C-contiguous float32/float64 ndarray (copying only if
    it is not already one).  Python scalars and lists become float64 arrays,
    as in NumPy; int/bool/complex/object arrays raise TypeError."""
    if isinstance(x, np.ndarray):
        arr = x
    else:
        if x is None:
            raise TypeError(f"{name} must be a float32 or float64 array, got None")
        try:
            arr = np.asarray(x)
        except Exception as exc:  # noqa: BLE001 - ragged lists, odd objects
            raise TypeError(f"{name} could not be converted to an array: {exc}") from None
        if arr.dtype.kind in "iu" and not isinstance(x, np.generic):
            # plain Python numbers/lists: promote ints like NumPy's float ops would
            arr = arr.astype(np.float64)
    if arr.dtype not in FLOAT_DTYPES:
        raise TypeError(
            f"{name} must have dtype float32 or float64, got {arr.dtype} "
            f"(convert explicitly, e.g. {name}.astype(np.float32))")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got {arr.ndim}-D array of shape {arr.shape}")
    if not arr.flags.c_contiguous or not arr.flags.aligned:
        arr = np.ascontiguousarray(arr)
    return arr


def same_dtype(**arrays: NDArray[Any] | None) -> np.dtype[Any]:
    """All given arrays share one float dtype; mixing raises TypeError."""
    items = [(k, v) for k, v in arrays.items() if v is not None]
    dtype = items[0][1].dtype
    for k, v in items[1:]:
        if v.dtype != dtype:
            names = ", ".join(f"{kk}: {vv.dtype}" for kk, vv in items)
            raise TypeError(f"arguments must share one dtype, got {names} "
                            "(mixing float32 and float64 is not allowed; cast one of them)")
    return dtype


def new_array(shape: tuple[int, ...], dtype: DTypeLike) -> NDArray[Any]:
    """An uninitialised C-contiguous array; a large one takes its memory
    from the buffer cache (``fastinit.set_buffer_cache``)."""
    dtype = np.dtype(dtype)
    return _core.empty(shape, dtype, math.prod(shape) * dtype.itemsize)


def output(out: object, shape: Iterable[int], dtype: DTypeLike,
           name: str = "out") -> NDArray[Any]:
    """Return a fresh array, or check a caller's `out=`: exact shape and
    dtype, C-contiguous, writable."""
    shape = tuple(shape)
    if out is None:
        return new_array(shape, dtype)
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(out).__name__}")
    if out.shape != shape:
        raise ValueError(f"{name} has shape {out.shape}, expected {shape}")
    if out.dtype != dtype:
        raise ValueError(f"{name} has dtype {out.dtype}, expected {np.dtype(dtype)}")
    if not out.flags.c_contiguous:
        raise ValueError(f"{name} must be C-contiguous")
    if not out.flags.writeable:
        raise ValueError(f"{name} is read-only")
    if not out.flags.aligned:
        raise ValueError(f"{name} must be aligned")
    return out


def real_number(value: object, name: str) -> float:
    """A finite-or-not real Python/NumPy number (bools rejected) as float."""
    if type(value) is float:  # the common case: numbers.Real is a slow ABC check
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def index(value: object, name: str, minimum: int = 0) -> int:
    """A Python/NumPy integer >= minimum (bools rejected)."""
    if type(value) is int:  # the common case (shapes), checked without operator.index
        if value < minimum:
            raise ValueError(f"{name} must be >= {minimum}, got {value}")
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, got bool")
    try:
        v = operator.index(cast(SupportsIndex, value))  # a TypeError is the check
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}") from None
    if v < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {v}")
    return v


def shares_memory(a: object, b: object) -> bool:
    return a is not None and b is not None and np.may_share_memory(a, b)


def unaliased(src: _ArrayOrNone, out: NDArray[Any] | None) -> _ArrayOrNone:
    """`src`, or a private copy of it when `out` overlaps it other than
    exactly: a kernel may write element i while reading element i (in place),
    never while element j != i is still to be read."""
    if out is None or src is None or not np.may_share_memory(src, out):
        return src
    if (src.__array_interface__["data"][0] == out.__array_interface__["data"][0]
            and src.strides == out.strides and src.shape == out.shape):
        return src
    copy: _ArrayOrNone = src.copy()
    return copy
