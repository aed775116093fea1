"""Weight initializers: everything in ``torch.nn.init`` and Keras', on the
counter-based ``fastinit.random.Generator``.

Every initializer exists twice::

    W = fastinit.init.he_normal((784, 100), seed=0)          # new array
    fastinit.init.he_normal_(W, seed=0)                      # fills W, returns it

The functional form is ``f(shape, *, dtype=np.float32, seed=None,
layout="io", ...)``; the in-place twin ``f_(array, *, seed=None,
layout="io", ...)`` takes a float32, float64, float16 or bfloat16 array
(C-contiguous arrays are filled directly by the C kernels; others through a
temporary copied back).  A 16-bit random initializer is the float32 one
rounded to nearest even, element by element, inside the kernels; the
deterministic ones (constant, eye, dirac, orthogonal) are computed in
float64 or float32 and cast by NumPy.
``seed`` is an int, a ``fastinit.random.Generator`` (used and advanced, so
successive layers differ) or None (fresh entropy).  With an int seed the
result is bitwise the same for any thread count, SIMD kernel set or machine.

Layouts.  ``layout="io"`` (the default) is the ``x @ W`` convention of the
seeds and Keras: a 2-D weight is ``(fan_in, fan_out)`` and an N-D kernel
``(*receptive, fan_in, fan_out)``.  ``layout="oi"`` is PyTorch's
``(fan_out, fan_in, *receptive)``.  The receptive field (the product of the
kernel axes) multiplies both fans.

A zero-element array is a no-op with a UserWarning, as in PyTorch.
"""
from __future__ import annotations

import collections
import inspect
import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from typing import (TYPE_CHECKING, Any, Literal, NoReturn, SupportsIndex, TypeAlias, TypeVar,
                    Union, cast, overload)

import numpy as np
from numpy.typing import DTypeLike, NDArray

from ._validate import FILL_DTYPE_NAMES, FILL_DTYPES, ShapeLike, new_array, real_number
from ._validate import index as checked_index
from .random import (Generator, SeedLike, _elements_per_block, _finite, _float_dtype, _shape,
                     as_generator)

#: what ``seed=`` takes: a Generator (used and advanced), or a seed for a new one
Seed: TypeAlias = SeedLike | Generator
#: the weight layouts: "io" (fan_in, fan_out), "oi" (fan_out, fan_in) or FanAxes
Layout: TypeAlias = Union[Literal["io", "oi"], "FanAxes"]
MatrixLayout: TypeAlias = Literal["io", "oi"]
Mode: TypeAlias = Literal["fan_in", "fan_out", "fan_avg", "fan_geo_avg"]
Nonlinearity: TypeAlias = Literal[
    "linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
    "conv_transpose2d", "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]
Distribution: TypeAlias = Literal["truncated_normal", "untruncated_normal", "normal", "uniform"]
#: what a plan draws (see PLANS)
Plan: TypeAlias = (tuple[Literal["constant"], float]
                   | tuple[Literal["normal", "uniform"], float, float]
                   | tuple[Literal["truncated_normal"], float, float, float, float])
#: a functional initializer: ``f(shape, ..., *, dtype=np.float32, seed=None, ...)``
Initializer: TypeAlias = Callable[..., NDArray[np.floating[Any]]]
#: where a block lies in a larger tensor: one slice per axis
BlockIndex: TypeAlias = tuple[slice, ...] | slice

# An array an in-place initializer fills and returns.
_ArrayT = TypeVar("_ArrayT", bound="NDArray[Any]")
_ScalarT = TypeVar("_ScalarT", bound="np.generic[Any]")
_PlanFnT = TypeVar("_PlanFnT", bound="Callable[..., Plan]")

__all__ = [
    "calculate_gain", "fan_in_fan_out", "resolve", "INITIALIZERS",
    "zeros", "ones", "constant", "normal", "uniform", "truncated_normal",
    "xavier_normal", "xavier_uniform", "glorot_normal", "glorot_uniform",
    "he_normal", "he_uniform", "kaiming_normal", "kaiming_uniform",
    "lecun_normal", "lecun_uniform", "orthogonal", "eye", "dirac", "sparse",
    "variance_scaling", "delta_orthogonal", "FanAxes",
    "zeros_", "ones_", "constant_", "normal_", "uniform_", "truncated_normal_",
    "xavier_normal_", "xavier_uniform_", "glorot_normal_", "glorot_uniform_",
    "he_normal_", "he_uniform_", "kaiming_normal_", "kaiming_uniform_",
    "lecun_normal_", "lecun_uniform_", "orthogonal_", "eye_", "dirac_", "sparse_",
    "variance_scaling_", "delta_orthogonal_",
]

# Keras: the std of a unit normal truncated to [-2, 2] is 0.8796...; dividing
# by it gives the truncated draw the variance asked for.
TRUNCATED_STD = 0.87962566103423978

_LINEAR = ("linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
           "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity: Nonlinearity, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity, with PyTorch's values.

    ============ =====================================
    linear/conv* 1
    sigmoid      1
    tanh         5/3
    relu         sqrt(2)
    leaky_relu   sqrt(2 / (1 + negative_slope**2)), slope ``param`` (0.01)
    selu         3/4
    ============ =====================================
    """
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, (bool, np.bool_)) and isinstance(param, numbers.Real):
            slope = param
        else:
            raise ValueError(f"negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}; expected one of "
                     f"{sorted(_LINEAR + ('sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu'))}")


FanAxes = collections.namedtuple("FanAxes", "in_axis out_axis batch_axis", defaults=((),))
FanAxes.__doc__ = """A layout given by axes, as ``jax.nn.initializers``: the
product of the ``in_axis`` axes is the input size, of ``out_axis`` the
output size, ``batch_axis`` axes count in neither, and the remaining axes
form the receptive field that multiplies both fans.  Each field is an int
or a tuple of ints; ``FanAxes(-2, -1)`` is ``layout="io"``, ``FanAxes(1,
0)`` is ``"oi"``."""


def _layout(layout: Layout) -> Layout:
    if isinstance(layout, FanAxes) or layout in ("io", "oi"):
        return layout
    raise ValueError(f"layout must be 'io' (fan_in, fan_out), 'oi' (fan_out, fan_in) or a "
                     f"fastinit.init.FanAxes, got {layout!r}")


def _axes(axes: int | Sequence[int], ndim: int, name: str) -> list[int]:
    axes_t: tuple[Any, ...] = ((axes,) if isinstance(axes, numbers.Integral)
                               else tuple(cast("Sequence[int]", axes)))
    out = []
    for a in axes_t:
        a = checked_index(a + ndim if isinstance(a, numbers.Integral) and a < 0 else a, name)
        if a >= ndim:
            raise ValueError(f"{name} {a} is out of range for a {ndim}-D weight")
        out.append(a)
    return out


def _matrix_layout(layout: MatrixLayout) -> MatrixLayout:
    """The layouts of the initializers that view the weight as a matrix."""
    if layout not in ("io", "oi"):
        raise ValueError(f"layout must be 'io' or 'oi' for this initializer, got {layout!r}")
    return layout


def fan_in_fan_out(shape: Sequence[SupportsIndex], layout: Layout = "io") -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of this shape.

    "io": ``(*receptive, fan_in, fan_out)``; "oi": ``(fan_out, fan_in,
    *receptive)``; a :class:`FanAxes`: the sizes along its axes.  Both fans
    are multiplied by the receptive field size."""
    # ints only, checked one by one: an array passed as the shape fails on
    # its first row instead of being unpacked into 2**29 rows first
    dims = tuple(checked_index(s, "shape") for s in shape)
    _layout(layout)
    if len(dims) < 2:
        raise ValueError(f"fan in and fan out need a weight with at least 2 dimensions, "
                         f"got shape {dims}")
    if isinstance(layout, FanAxes):
        ins = _axes(layout.in_axis, len(dims), "in_axis")
        outs = _axes(layout.out_axis, len(dims), "out_axis")
        batch = _axes(layout.batch_axis, len(dims), "batch_axis")
        if len(set(ins + outs + batch)) != len(ins + outs + batch):
            raise ValueError(f"in_axis, out_axis and batch_axis must not share an axis, got "
                             f"{layout}")
        rest = [s for i, s in enumerate(dims) if i not in ins + outs + batch]
        receptive = math.prod(rest)
        return (math.prod(dims[i] for i in ins) * receptive,
                math.prod(dims[i] for i in outs) * receptive)
    if layout == "io":
        receptive = math.prod(dims[:-2])
        return dims[-2] * receptive, dims[-1] * receptive
    receptive = math.prod(dims[2:])
    return dims[1] * receptive, dims[0] * receptive


def _fan(shape: Sequence[SupportsIndex], layout: Layout, mode: Mode) -> float:
    fan_in, fan_out = fan_in_fan_out(shape, layout)
    if mode == "fan_in":
        return fan_in
    if mode == "fan_out":
        return fan_out
    if mode == "fan_avg":
        return (fan_in + fan_out) / 2.0
    if mode == "fan_geo_avg":
        return math.sqrt(fan_in * fan_out)
    raise ValueError(f"mode must be 'fan_in', 'fan_out', 'fan_avg' or 'fan_geo_avg', "
                     f"got {mode!r}")


def _positive(value: object, name: str, allow_zero: bool = True) -> float:
    v = real_number(value, name)
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'>=' if allow_zero else '>'} 0 and finite, got {v}")
    return v


# ---------------------------------------------------------------------------
# Plans: what an elementwise initializer draws, as a function of the shape.
# The in-place fills below and fastinit.dask both apply the same plan, so a
# sharded weight equals the single-process one bitwise.
# ---------------------------------------------------------------------------

#: name -> plan(shape, **params, layout="io") -> ("constant", value) |
#: ("normal", mean, std) | ("uniform", low, high) |
#: ("truncated_normal", mean, std, a, b)
PLANS: dict[str, Callable[..., Plan]] = {}


def _plan(name: str) -> Callable[[_PlanFnT], _PlanFnT]:
    def register(fn: _PlanFnT) -> _PlanFnT:
        PLANS[name] = fn
        return fn
    return register


def apply_plan(out: NDArray[Any], plan: Plan, gen: Generator | None,
               offset: SupportsIndex | None = None) -> None:
    """Fill the C-contiguous float array ``out`` as ``plan`` says, drawing
    from ``gen`` (``offset`` as in the Generator methods)."""
    kind, *params = plan
    if kind == "constant":
        out.fill(params[0])
    else:
        getattr(gen, kind)(None, *params, out=out, offset=offset)


def shard_block(local_shape: Sequence[int], global_shape: Sequence[SupportsIndex] | None,
                index: BlockIndex | None) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
    """Checked ``(global_shape, starts)`` of a local block: ``index`` is a
    tuple of slices (step 1), one per axis, locating an array of
    ``local_shape`` inside the full array of ``global_shape``.  Both None:
    ``(local_shape, None)``, the array is the whole tensor."""
    local_shape = tuple(local_shape)
    if global_shape is None and index is None:
        return local_shape, None
    if global_shape is None or index is None:
        raise ValueError("global_shape and index go together: give both or neither")
    try:
        global_shape = tuple(checked_index(s, "global_shape") for s in global_shape)
    except TypeError:
        if not hasattr(global_shape, "__iter__"):
            raise TypeError(f"global_shape must be a sequence of ints, "
                            f"got {type(global_shape).__name__}") from None
        raise
    if isinstance(index, slice):
        index = (index,)
    if not isinstance(index, tuple) or not all(isinstance(ix, slice) for ix in index):
        raise TypeError(f"index must be a tuple of slices, one per axis, got {index!r}")
    if len(global_shape) != len(local_shape) or len(index) != len(local_shape):
        raise ValueError(f"a block of shape {local_shape} needs a global_shape and an index "
                         f"with {len(local_shape)} axes, got global_shape {global_shape} "
                         f"and {len(index)} slices")
    starts = []
    for axis, (ix, g, n) in enumerate(zip(index, global_shape, local_shape)):
        start, stop, step = ix.indices(g)
        if step != 1 or max(stop - start, 0) != n:
            raise ValueError(f"index {index!r} does not place a block of shape {local_shape} "
                             f"in global_shape {global_shape} (axis {axis}: {ix} of {g} "
                             f"elements is not {n} consecutive elements)")
        starts.append(start)
    return global_shape, tuple(starts)


def apply_plan_block(out: NDArray[Any], plan: Plan, gen: Generator | None,
                     global_shape: tuple[int, ...], starts: tuple[int, ...]) -> None:
    """Fill the C-contiguous ``out``, the block at ``starts`` of a tensor of
    ``global_shape``, with exactly the values ``apply_plan`` gives the whole
    tensor there; ``gen`` then stands where the whole fill leaves it.

    In C order the block is a set of runs of consecutive global elements:
    axes after the last partly covered one merge into each run, so a
    row-sharded tensor is one run and a column-sharded one a run per row."""
    kind, *params = plan
    if kind == "constant":
        out.fill(params[0])
        return
    ndim = len(global_shape)
    strides = [math.prod(global_shape[i + 1:]) for i in range(ndim)]
    partial = [i for i in range(ndim) if out.shape[i] != global_shape[i]]
    last = partial[-1] if partial else 0
    runs = out.reshape(math.prod(out.shape[:last]), -1)
    head = starts[last] * strides[last] if ndim else 0
    fill = getattr(gen, kind)
    for r, prefix in enumerate(np.ndindex(*out.shape[:last])):
        offset = head + sum((starts[i] + p) * strides[i] for i, p in enumerate(prefix))
        fill(None, *params, out=runs[r], offset=offset)
    assert gen is not None  # only a constant plan has no generator (getattr raised above)
    gen._take(math.prod(global_shape), _elements_per_block(out.dtype), None)


@_plan("constant")
def _plan_constant(shape: tuple[int, ...], value: float = 0.0, layout: Layout = "io") -> Plan:
    _layout(layout)
    return ("constant", real_number(value, "value"))


@_plan("zeros")
def _plan_zeros(shape: tuple[int, ...], layout: Layout = "io") -> Plan:
    return _plan_constant(shape, 0.0, layout)


@_plan("ones")
def _plan_ones(shape: tuple[int, ...], layout: Layout = "io") -> Plan:
    return _plan_constant(shape, 1.0, layout)


@_plan("normal")
def _plan_normal(shape: tuple[int, ...], mean: float = 0.0, std: float = 1.0,
                 layout: Layout = "io") -> Plan:
    _layout(layout)
    return ("normal", _finite(mean, "mean"), _positive(std, "std"))


@_plan("uniform")
def _plan_uniform(shape: tuple[int, ...], low: float = 0.0, high: float = 1.0,
                  layout: Layout = "io") -> Plan:
    _layout(layout)
    low, high = _finite(low, "low"), _finite(high, "high")
    if not low < high:
        raise ValueError(f"uniform needs low < high, got low={low}, high={high}")
    return ("uniform", low, high)


def _symmetric(bound: float) -> Plan:
    return ("uniform", -bound, bound) if bound > 0 else ("constant", 0.0)


@_plan("truncated_normal")
def _plan_truncated_normal(shape: tuple[int, ...], mean: float = 0.0, std: float = 1.0,
                           a: float = -2.0, b: float = 2.0, layout: Layout = "io") -> Plan:
    _layout(layout)
    a, b = real_number(a, "a"), real_number(b, "b")
    if not a < b:
        raise ValueError(f"truncated_normal needs a < b, got a={a}, b={b}")
    return ("truncated_normal", _finite(mean, "mean"), _positive(std, "std"), a, b)


def _glorot_scale(shape: tuple[int, ...], gain: float, layout: Layout, numerator: float) -> float:
    gain = _positive(gain, "gain")
    fan_in, fan_out = fan_in_fan_out(shape, layout)
    return gain * math.sqrt(numerator / float(fan_in + fan_out)) if fan_in + fan_out else 0.0


@_plan("xavier_normal")
def _plan_xavier_normal(shape: tuple[int, ...], gain: float = 1.0, layout: Layout = "io") -> Plan:
    return ("normal", 0.0, _glorot_scale(shape, gain, layout, 2.0))


@_plan("xavier_uniform")
def _plan_xavier_uniform(shape: tuple[int, ...], gain: float = 1.0,
                         layout: Layout = "io") -> Plan:
    return _symmetric(_glorot_scale(shape, gain, layout, 6.0))


def _he_std(shape: tuple[int, ...], a: float, mode: Mode, nonlinearity: Nonlinearity,
            layout: Layout) -> float:
    fan = _fan(shape, layout, mode)
    if nonlinearity != "leaky_relu" and a != 0:
        # PyTorch passes `a` to calculate_gain, which ignores it for every
        # other nonlinearity; a slope that changes nothing is a mistake
        raise ValueError(f"a (the negative slope) applies to nonlinearity='leaky_relu' only, "
                         f"got a={a!r} with nonlinearity={nonlinearity!r}")
    gain = calculate_gain(nonlinearity, a)
    return gain / math.sqrt(fan) if fan else 0.0


@_plan("he_normal")
def _plan_he_normal(shape: tuple[int, ...], a: float = 0, mode: Mode = "fan_in",
                    nonlinearity: Nonlinearity = "leaky_relu", layout: Layout = "io") -> Plan:
    return ("normal", 0.0, _he_std(shape, a, mode, nonlinearity, layout))


@_plan("he_uniform")
def _plan_he_uniform(shape: tuple[int, ...], a: float = 0, mode: Mode = "fan_in",
                     nonlinearity: Nonlinearity = "leaky_relu", layout: Layout = "io") -> Plan:
    return _symmetric(math.sqrt(3.0) * _he_std(shape, a, mode, nonlinearity, layout))


@_plan("variance_scaling")
def _plan_variance_scaling(shape: tuple[int, ...], scale: float = 1.0, mode: Mode = "fan_in",
                           distribution: Distribution = "truncated_normal",
                           layout: Layout = "io") -> Plan:
    scale = _positive(scale, "scale", allow_zero=False)
    scale = scale / max(1.0, _fan(shape, layout, mode))
    if distribution == "truncated_normal":
        return ("truncated_normal", 0.0, math.sqrt(scale) / TRUNCATED_STD, -2.0, 2.0)
    if distribution in ("untruncated_normal", "normal"):  # Keras' name, JAX's name
        return ("normal", 0.0, math.sqrt(scale))
    if distribution == "uniform":
        return _symmetric(math.sqrt(3.0 * scale))
    raise ValueError(f"distribution must be 'truncated_normal', 'untruncated_normal' "
                     f"(or 'normal') or 'uniform', got {distribution!r}")


@_plan("lecun_normal")
def _plan_lecun_normal(shape: tuple[int, ...], layout: Layout = "io") -> Plan:
    return _plan_variance_scaling(shape, 1.0, "fan_in", "truncated_normal", layout)


@_plan("lecun_uniform")
def _plan_lecun_uniform(shape: tuple[int, ...], layout: Layout = "io") -> Plan:
    return _plan_variance_scaling(shape, 1.0, "fan_in", "uniform", layout)


# ---------------------------------------------------------------------------
# Functional / in-place plumbing
# ---------------------------------------------------------------------------

def _target(array: object, name: str = "array") -> NDArray[Any]:
    if not isinstance(array, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(array).__name__}")
    if array.dtype not in FILL_DTYPES:
        raise TypeError(f"{name} must have dtype {FILL_DTYPE_NAMES}, got {array.dtype}")
    if not array.flags.writeable:
        raise ValueError(f"{name} is read-only")
    return array


def _fill_in_place(array: _ArrayT, fill: Callable[[NDArray[Any]], None],
                   float32_for_half: bool = False) -> _ArrayT:
    """Run fill(contiguous_array) on array itself or on a temporary.  With
    ``float32_for_half`` (initializers computed by NumPy, not by the fill
    kernels) a 16-bit array gets the float32 result rounded to nearest even,
    as the kernels round theirs."""
    if array.size == 0:
        warnings.warn("initializing a zero-element array is a no-op", UserWarning, stacklevel=3)
        return array
    via_float32 = float32_for_half and array.dtype.itemsize == 2
    if array.flags.c_contiguous and array.flags.aligned and not via_float32:
        fill(array)
    else:
        tmp = np.empty(array.shape, np.float32 if via_float32 else array.dtype)
        fill(tmp)
        array[...] = tmp
    return array


def _elementwise(array: _ArrayT, name: str, seed: Seed, layout: Layout, *params: object,
                global_shape: Sequence[SupportsIndex] | None = None,
                index: BlockIndex | None = None) -> _ArrayT:
    """Fill ``array`` in place with the plan of initializer ``name``; with
    ``global_shape`` and ``index`` it is that block of a larger tensor
    (fans from the global shape, values the whole tensor holds there)."""
    _target(array)
    shape, starts = shard_block(array.shape, global_shape, index)
    plan = PLANS[name](shape, *params, layout=layout)
    gen = None if plan[0] == "constant" else as_generator(seed)
    if starts is None:
        return _fill_in_place(array, lambda a: apply_plan(a, plan, gen))
    return _fill_in_place(array, lambda a: apply_plan_block(a, plan, gen, shape, starts))


def shape_and_dtype(shape: ShapeLike,
                    dtype: DTypeLike | None) -> tuple[tuple[int, ...], np.dtype[Any]]:
    """Checked ``(shape tuple, float dtype)`` of a weight to create."""
    return _shape(shape), _float_dtype(dtype, None)


def _new_array(shape: ShapeLike, dtype: DTypeLike | None) -> NDArray[Any]:
    return new_array(*shape_and_dtype(shape, dtype))


def _initializer(inplace: Callable[..., NDArray[Any]]) -> Initializer:
    """Make the functional twin ``f(shape, *, dtype, ...)`` of an in-place
    initializer ``f_(array, ...)``."""
    name = inplace.__name__[:-1]

    def functional(shape: ShapeLike, *args: Any, dtype: DTypeLike = np.float32,
                   **kwargs: Any) -> NDArray[Any]:
        arr = _new_array(shape, dtype)
        return inplace(arr, *args, **kwargs)

    functional.__name__ = functional.__qualname__ = name
    functional.__module__ = inplace.__module__
    # the real parameters, for help() and IDEs: shape, the in-place twin's
    # own parameters, and dtype
    params = list(inspect.signature(inplace).parameters.values())[1:]
    shape = inspect.Parameter("shape", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    dtype = inspect.Parameter("dtype", inspect.Parameter.KEYWORD_ONLY, default=np.float32)
    first_kw = next((i for i, p in enumerate(params) if p.kind == p.KEYWORD_ONLY), len(params))
    # inspect.signature reads __signature__, which functions do not declare
    functional.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [shape] + params[:first_kw] + [dtype] + params[first_kw:])
    functional.__doc__ = (f"New array of ``shape`` initialized as :func:`{inplace.__name__}` "
                          f"(``dtype`` float32, float64, float16 or bfloat16).\n\n"
                          + (inplace.__doc__ or ""))
    return functional


# ---------------------------------------------------------------------------
# In-place initializers
# ---------------------------------------------------------------------------

def constant_(array: _ArrayT, value: float = 0.0, *, seed: Seed = None, layout: Layout = "io",
              global_shape: Sequence[SupportsIndex] | None = None,
              index: BlockIndex | None = None) -> _ArrayT:
    """Fill with ``value``."""
    return _elementwise(array, "constant", seed, layout, value,
                        global_shape=global_shape, index=index)


def zeros_(array: _ArrayT, *, seed: Seed = None, layout: Layout = "io",
           global_shape: Sequence[SupportsIndex] | None = None,
           index: BlockIndex | None = None) -> _ArrayT:
    """Fill with 0 (every unit computes the same: symmetry is never broken)."""
    return _elementwise(array, "zeros", seed, layout,
                        global_shape=global_shape, index=index)


def ones_(array: _ArrayT, *, seed: Seed = None, layout: Layout = "io",
          global_shape: Sequence[SupportsIndex] | None = None,
          index: BlockIndex | None = None) -> _ArrayT:
    """Fill with 1."""
    return _elementwise(array, "ones", seed, layout,
                        global_shape=global_shape, index=index)


def normal_(array: _ArrayT, mean: float = 0.0, std: float = 1.0, *, seed: Seed = None,
            layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
            index: BlockIndex | None = None) -> _ArrayT:
    """Normal(mean, std)."""
    return _elementwise(array, "normal", seed, layout, mean, std,
                        global_shape=global_shape, index=index)


def uniform_(array: _ArrayT, low: float = 0.0, high: float = 1.0, *, seed: Seed = None,
             layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
             index: BlockIndex | None = None) -> _ArrayT:
    """Uniform on [low, high)."""
    return _elementwise(array, "uniform", seed, layout, low, high,
                        global_shape=global_shape, index=index)


def truncated_normal_(array: _ArrayT, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                      b: float = 2.0, *, seed: Seed = None, layout: Layout = "io",
                      global_shape: Sequence[SupportsIndex] | None = None,
                      index: BlockIndex | None = None) -> _ArrayT:
    """Normal(mean, std) truncated to [mean + a*std, mean + b*std] (a, b in
    standard deviations, as Keras/JAX; PyTorch's ``trunc_normal_`` takes
    absolute bounds: ``a_torch = mean + a*std``).  Inverse-CDF sampling:
    no rejection loop."""
    return _elementwise(array, "truncated_normal", seed, layout, mean, std, a, b,
                        global_shape=global_shape, index=index)


def xavier_normal_(array: _ArrayT, gain: float = 1.0, *, seed: Seed = None,
                   layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                   index: BlockIndex | None = None) -> _ArrayT:
    """Glorot & Bengio (2010): Normal(0, gain * sqrt(2 / (fan_in + fan_out)))."""
    return _elementwise(array, "xavier_normal", seed, layout, gain,
                        global_shape=global_shape, index=index)


def xavier_uniform_(array: _ArrayT, gain: float = 1.0, *, seed: Seed = None,
                    layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                    index: BlockIndex | None = None) -> _ArrayT:
    """Glorot & Bengio (2010): Uniform(-b, b), b = gain * sqrt(6 / (fan_in + fan_out))."""
    return _elementwise(array, "xavier_uniform", seed, layout, gain,
                        global_shape=global_shape, index=index)


def he_normal_(array: _ArrayT, a: float = 0, mode: Mode = "fan_in",
               nonlinearity: Nonlinearity = "leaky_relu", *, seed: Seed = None,
               layout: Layout = "io",
               global_shape: Sequence[SupportsIndex] | None = None,
               index: BlockIndex | None = None) -> _ArrayT:
    """He et al. (2015), PyTorch's ``kaiming_normal_``: Normal(0, gain /
    sqrt(fan)), gain = calculate_gain(nonlinearity, a) (a: the negative slope
    of leaky_relu), fan = fan_in (preserves the forward variance) or fan_out
    (the backward one).  As in PyTorch the default nonlinearity is
    leaky_relu, which with ``a=0`` is relu's sqrt(2); a nonzero ``a`` with
    another nonlinearity raises ValueError (PyTorch ignores it).
    Untruncated, as PyTorch and the book's ``randn *
    sqrt(2/n)``; Keras' HeNormal is ``variance_scaling(2.0)`` (truncated)."""
    return _elementwise(array, "he_normal", seed, layout, a, mode, nonlinearity,
                        global_shape=global_shape, index=index)


def he_uniform_(array: _ArrayT, a: float = 0, mode: Mode = "fan_in",
                nonlinearity: Nonlinearity = "leaky_relu", *, seed: Seed = None,
                layout: Layout = "io",
                global_shape: Sequence[SupportsIndex] | None = None,
                index: BlockIndex | None = None) -> _ArrayT:
    """He et al. (2015), PyTorch's ``kaiming_uniform_``: Uniform(-b, b),
    b = sqrt(3) * gain / sqrt(fan)."""
    return _elementwise(array, "he_uniform", seed, layout, a, mode, nonlinearity,
                        global_shape=global_shape, index=index)


def variance_scaling_(array: _ArrayT, scale: float = 1.0, mode: Mode = "fan_in",
                      distribution: Distribution = "truncated_normal", *,
                      seed: Seed = None, layout: Layout = "io",
                      global_shape: Sequence[SupportsIndex] | None = None,
                      index: BlockIndex | None = None) -> _ArrayT:
    """Keras' and JAX's VarianceScaling: variance ``scale / n`` with n =
    fan_in, fan_out, their mean (``mode="fan_avg"``) or their geometric mean
    (``"fan_geo_avg"``, JAX's).  ``layout=FanAxes(in_axis, out_axis,
    batch_axis)`` takes the fans from explicit axes, as JAX does.

    distribution "truncated_normal": std = sqrt(scale / n) / 0.87962566103423978
    truncated at +-2 std (so the variance after truncation is scale / n);
    "untruncated_normal" (JAX: "normal"): std = sqrt(scale / n); "uniform":
    Uniform(-l, l), l = sqrt(3 * scale / n)."""
    return _elementwise(array, "variance_scaling", seed, layout, scale, mode, distribution,
                        global_shape=global_shape, index=index)


def lecun_normal_(array: _ArrayT, *, seed: Seed = None, layout: Layout = "io",
                  global_shape: Sequence[SupportsIndex] | None = None,
                  index: BlockIndex | None = None) -> _ArrayT:
    """LeCun normal (Keras): ``variance_scaling(1.0, "fan_in", "truncated_normal")``."""
    return _elementwise(array, "lecun_normal", seed, layout,
                        global_shape=global_shape, index=index)


def lecun_uniform_(array: _ArrayT, *, seed: Seed = None, layout: Layout = "io",
                   global_shape: Sequence[SupportsIndex] | None = None,
                   index: BlockIndex | None = None) -> _ArrayT:
    """LeCun uniform (Keras): Uniform(-l, l), l = sqrt(3 / fan_in)."""
    return _elementwise(array, "lecun_uniform", seed, layout,
                        global_shape=global_shape, index=index)


def orthogonal_(array: _ArrayT, gain: float = 1.0, *, seed: Seed = None,
                layout: MatrixLayout = "io") -> _ArrayT:
    """Saxe et al. (2013): a (semi-)orthogonal matrix times ``gain``.

    The weight is viewed as a matrix — "io": (prod(shape[:-1]), shape[-1]),
    as Keras; "oi": (shape[0], prod(shape[1:])), as PyTorch — and filled
    with Q of the QR decomposition of a normal matrix, signs fixed by
    diag(R) so that Q is uniformly (Haar) distributed."""
    _target(array)
    _matrix_layout(layout)
    gain = real_number(gain, "gain")
    if array.ndim < 2:
        raise ValueError(f"orthogonal needs at least 2 dimensions, got shape {array.shape}")
    gen = as_generator(seed)

    def fill(a: NDArray[Any]) -> None:
        if layout == "io":
            rows, cols = math.prod(a.shape[:-1]), a.shape[-1]
        else:
            rows, cols = a.shape[0], math.prod(a.shape[1:])
        flat = gen.normal((rows, cols), dtype=np.float64)
        if rows < cols:
            flat = flat.T
        q, r = np.linalg.qr(flat)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        a.reshape(rows, cols)[...] = q * gain

    return _fill_in_place(array, fill, float32_for_half=True)


def delta_orthogonal_(array: _ArrayT, gain: float = 1.0, *, seed: Seed = None,
                      layout: MatrixLayout = "io") -> _ArrayT:
    """Xiao et al. (2018), JAX's ``delta_orthogonal``: a 3-, 4- or 5-D
    convolution kernel that is zero but at the centre of its spatial axes
    (index (k - 1) // 2), where it holds an orthogonal (in, out) matrix
    times ``gain``; needs in <= out.  "io" kernels are (*spatial, in, out),
    "oi" (out, in, *spatial)."""
    _target(array)
    _matrix_layout(layout)
    gain = real_number(gain, "gain")
    if array.ndim not in (3, 4, 5):
        raise ValueError(f"delta_orthogonal needs a 3-, 4- or 5-D array, got shape {array.shape}")
    n_in, n_out = (array.shape[-2], array.shape[-1]) if layout == "io" else \
        (array.shape[1], array.shape[0])
    if n_in > n_out:
        raise ValueError(f"delta_orthogonal needs in <= out channels, got {n_in} > {n_out} "
                         f"(shape {array.shape}, layout {layout!r})")
    gen = as_generator(seed)

    def fill(a: NDArray[Any]) -> None:
        io = np.zeros((n_in, n_out), np.float64)
        orthogonal_(io, gain, seed=gen, layout="io")
        a.fill(0.0)
        if layout == "io":
            a[tuple((k - 1) // 2 for k in a.shape[:-2])] = io
        else:
            a[(slice(None), slice(None)) + tuple((k - 1) // 2 for k in a.shape[2:])] = io.T

    return _fill_in_place(array, fill, float32_for_half=True)


def eye_(array: _ArrayT, gain: float = 1.0, *, seed: Seed = None,
         layout: MatrixLayout = "io") -> _ArrayT:
    """The identity (2-D only; rectangular: ones on the main diagonal), times
    ``gain``: Keras' Identity, PyTorch's ``eye_``."""
    _target(array)
    _matrix_layout(layout)
    gain = real_number(gain, "gain")
    if array.ndim != 2:
        raise ValueError(f"eye needs a 2-D array, got shape {array.shape}")

    def fill(a: NDArray[Any]) -> None:
        a.fill(0.0)
        np.fill_diagonal(a, gain)

    return _fill_in_place(array, fill, float32_for_half=True)


def dirac_(array: _ArrayT, groups: SupportsIndex = 1, *, seed: Seed = None,
           layout: MatrixLayout = "io") -> _ArrayT:
    """PyTorch's ``dirac_``: a 3-, 4- or 5-D convolution kernel that passes
    its input through (channel d of each group to output channel d).

    "io" kernels are (*spatial, in, out); "oi" (out, in, *spatial)."""
    _target(array)
    _matrix_layout(layout)
    groups = checked_index(groups, "groups", minimum=1)
    if array.ndim not in (3, 4, 5):
        raise ValueError(f"dirac needs a 3-, 4- or 5-D array, got shape {array.shape}")
    oi_shape = array.shape if layout == "oi" else \
        (array.shape[-1], array.shape[-2]) + array.shape[:-2]
    if oi_shape[0] % groups:
        raise ValueError(f"output channels {oi_shape[0]} are not divisible by groups={groups}")
    out_per_group = oi_shape[0] // groups
    min_dim = min(out_per_group, oi_shape[1])

    def fill(a: NDArray[Any]) -> None:
        w = np.zeros(oi_shape, a.dtype)
        centre = tuple(s // 2 for s in oi_shape[2:])
        for g in range(groups):
            for d in range(min_dim):
                w[(g * out_per_group + d, d) + centre] = 1
        if layout == "io":
            w = np.moveaxis(w, (0, 1), (-1, -2))
        a[...] = w

    return _fill_in_place(array, fill, float32_for_half=True)


def sparse_(array: _ArrayT, sparsity: float, std: float = 0.01, *, seed: Seed = None,
            layout: MatrixLayout = "io") -> _ArrayT:
    """PyTorch's ``sparse_`` (Martens, 2010): Normal(0, std), then in each
    column of the PyTorch-layout (fan_out, fan_in) matrix — the outgoing
    weights of one input unit — ceil(sparsity * fan_out) entries, chosen at
    random, set to zero.  2-D only; "io" weights are handled as their
    transpose, so the same connections are zeroed."""
    _target(array)
    _matrix_layout(layout)
    sparsity = real_number(sparsity, "sparsity")
    if not 0.0 <= sparsity <= 1.0:
        raise ValueError(f"sparsity must be in [0, 1], got {sparsity}")
    std = _positive(std, "std")
    if array.ndim != 2:
        raise ValueError(f"sparse needs a 2-D array, got shape {array.shape}")
    gen = as_generator(seed)

    def fill(a: NDArray[Any]) -> None:
        w = a if layout == "oi" else a.T  # (fan_out, fan_in) view
        rows = w.shape[0]
        zeros = int(math.ceil(sparsity * rows))
        gen.normal(std=std, out=a)
        if zeros:
            keys = gen.uniform(w.shape, dtype=np.float64)
            order = np.argsort(keys, axis=0, kind="stable")[:zeros]
            np.put_along_axis(w, order, 0.0, axis=0)

    return _fill_in_place(array, fill)


if TYPE_CHECKING:
    # The functional twins as type checkers see them: the parameters that
    # inspect.signature shows for the functions _initializer builds at run time
    # (tests/test_typing.py checks that both agree).
    @overload
    def xavier_normal(shape: ShapeLike, gain: float = 1.0, *, dtype: type[np.float32] = np.float32,
                      seed: Seed = None, layout: Layout = "io",
                      global_shape: Sequence[SupportsIndex] | None = None,
                      index: BlockIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def xavier_normal(shape: ShapeLike, gain: float = 1.0, *,
                      dtype: type[_ScalarT] | np.dtype[_ScalarT], seed: Seed = None,
                      layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                      index: BlockIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def xavier_normal(shape: ShapeLike, gain: float = 1.0, *, dtype: DTypeLike, seed: Seed = None,
                      layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                      index: BlockIndex | None = None) -> NDArray[Any]: ...
    def xavier_normal(shape: ShapeLike, gain: float = 1.0, *, dtype: DTypeLike = np.float32,
                      seed: Seed = None, layout: Layout = "io",
                      global_shape: Sequence[SupportsIndex] | None = None,
                      index: BlockIndex | None = None) -> NDArray[Any]: ...
    @overload
    def xavier_uniform(shape: ShapeLike, gain: float = 1.0, *,
                       dtype: type[np.float32] = np.float32, seed: Seed = None,
                       layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                       index: BlockIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def xavier_uniform(shape: ShapeLike, gain: float = 1.0, *,
                       dtype: type[_ScalarT] | np.dtype[_ScalarT], seed: Seed = None,
                       layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                       index: BlockIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def xavier_uniform(shape: ShapeLike, gain: float = 1.0, *, dtype: DTypeLike, seed: Seed = None,
                       layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                       index: BlockIndex | None = None) -> NDArray[Any]: ...
    def xavier_uniform(shape: ShapeLike, gain: float = 1.0, *, dtype: DTypeLike = np.float32,
                       seed: Seed = None, layout: Layout = "io",
                       global_shape: Sequence[SupportsIndex] | None = None,
                       index: BlockIndex | None = None) -> NDArray[Any]: ...
    @overload
    def he_normal(shape: ShapeLike, a: float = 0, mode: Mode = "fan_in",
                  nonlinearity: Nonlinearity = "leaky_relu", *,
                  dtype: type[np.float32] = np.float32, seed: Seed = None, layout: Layout = "io",
                  global_shape: Sequence[SupportsIndex] | None = None,
                  index: BlockIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def he_normal(shape: ShapeLike, a: float = 0, mode: Mode = "fan_in",
                  nonlinearity: Nonlinearity = "leaky_relu", *,
                  dtype: type[_ScalarT] | np.dtype[_ScalarT], seed: Seed = None,
                  layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                  index: BlockIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def he_normal(shape: ShapeLike, a: float = 0, mode: Mode = "fan_in",
                  nonlinearity: Nonlinearity = "leaky_relu", *, dtype: DTypeLike,
                  seed: Seed = None, layout: Layout = "io",
                  global_shape: Sequence[SupportsIndex] | None = None,
                  index: BlockIndex | None = None) -> NDArray[Any]: ...
    def he_normal(shape: ShapeLike, a: float = 0, mode: Mode = "fan_in",
                  nonlinearity: Nonlinearity = "leaky_relu", *, dtype: DTypeLike = np.float32,
                  seed: Seed = None, layout: Layout = "io",
                  global_shape: Sequence[SupportsIndex] | None = None,
                  index: BlockIndex | None = None) -> NDArray[Any]: ...
    @overload
    def he_uniform(shape: ShapeLike, a: float = 0, mode: Mode = "fan_in",
                   nonlinearity: Nonlinearity = "leaky_relu", *,
                   dtype: type[np.float32] = np.float32, seed: Seed = None, layout: Layout = "io",
                   global_shape: Sequence[SupportsIndex] | None = None,
                   index: BlockIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def he_uniform(shape: ShapeLike, a: float = 0, mode: Mode = "fan_in",
                   nonlinearity: Nonlinearity = "leaky_relu", *,
                   dtype: type[_ScalarT] | np.dtype[_ScalarT], seed: Seed = None,
                   layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                   index: BlockIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def he_uniform(shape: ShapeLike, a: float = 0, mode: Mode = "fan_in",
                   nonlinearity: Nonlinearity = "leaky_relu", *, dtype: DTypeLike,
                   seed: Seed = None, layout: Layout = "io",
                   global_shape: Sequence[SupportsIndex] | None = None,
                   index: BlockIndex | None = None) -> NDArray[Any]: ...
    def he_uniform(shape: ShapeLike, a: float = 0, mode: Mode = "fan_in",
                   nonlinearity: Nonlinearity = "leaky_relu", *, dtype: DTypeLike = np.float32,
                   seed: Seed = None, layout: Layout = "io",
                   global_shape: Sequence[SupportsIndex] | None = None,
                   index: BlockIndex | None = None) -> NDArray[Any]: ...
    @overload
    def zeros(shape: ShapeLike, *, dtype: type[np.float32] = np.float32, seed: Seed = None,
              layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
              index: BlockIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def zeros(shape: ShapeLike, *, dtype: type[_ScalarT] | np.dtype[_ScalarT], seed: Seed = None,
              layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
              index: BlockIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def zeros(shape: ShapeLike, *, dtype: DTypeLike, seed: Seed = None, layout: Layout = "io",
              global_shape: Sequence[SupportsIndex] | None = None,
              index: BlockIndex | None = None) -> NDArray[Any]: ...
    def zeros(shape: ShapeLike, *, dtype: DTypeLike = np.float32, seed: Seed = None,
              layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
              index: BlockIndex | None = None) -> NDArray[Any]: ...
    @overload
    def ones(shape: ShapeLike, *, dtype: type[np.float32] = np.float32, seed: Seed = None,
             layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
             index: BlockIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def ones(shape: ShapeLike, *, dtype: type[_ScalarT] | np.dtype[_ScalarT], seed: Seed = None,
             layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
             index: BlockIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def ones(shape: ShapeLike, *, dtype: DTypeLike, seed: Seed = None, layout: Layout = "io",
             global_shape: Sequence[SupportsIndex] | None = None,
             index: BlockIndex | None = None) -> NDArray[Any]: ...
    def ones(shape: ShapeLike, *, dtype: DTypeLike = np.float32, seed: Seed = None,
             layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
             index: BlockIndex | None = None) -> NDArray[Any]: ...
    @overload
    def constant(shape: ShapeLike, value: float = 0.0, *, dtype: type[np.float32] = np.float32,
                 seed: Seed = None, layout: Layout = "io",
                 global_shape: Sequence[SupportsIndex] | None = None,
                 index: BlockIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def constant(shape: ShapeLike, value: float = 0.0, *,
                 dtype: type[_ScalarT] | np.dtype[_ScalarT], seed: Seed = None,
                 layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                 index: BlockIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def constant(shape: ShapeLike, value: float = 0.0, *, dtype: DTypeLike, seed: Seed = None,
                 layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                 index: BlockIndex | None = None) -> NDArray[Any]: ...
    def constant(shape: ShapeLike, value: float = 0.0, *, dtype: DTypeLike = np.float32,
                 seed: Seed = None, layout: Layout = "io",
                 global_shape: Sequence[SupportsIndex] | None = None,
                 index: BlockIndex | None = None) -> NDArray[Any]: ...
    @overload
    def normal(shape: ShapeLike, mean: float = 0.0, std: float = 1.0, *,
               dtype: type[np.float32] = np.float32, seed: Seed = None, layout: Layout = "io",
               global_shape: Sequence[SupportsIndex] | None = None,
               index: BlockIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def normal(shape: ShapeLike, mean: float = 0.0, std: float = 1.0, *,
               dtype: type[_ScalarT] | np.dtype[_ScalarT], seed: Seed = None,
               layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
               index: BlockIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def normal(shape: ShapeLike, mean: float = 0.0, std: float = 1.0, *, dtype: DTypeLike,
               seed: Seed = None, layout: Layout = "io",
               global_shape: Sequence[SupportsIndex] | None = None,
               index: BlockIndex | None = None) -> NDArray[Any]: ...
    def normal(shape: ShapeLike, mean: float = 0.0, std: float = 1.0, *,
               dtype: DTypeLike = np.float32, seed: Seed = None, layout: Layout = "io",
               global_shape: Sequence[SupportsIndex] | None = None,
               index: BlockIndex | None = None) -> NDArray[Any]: ...
    @overload
    def uniform(shape: ShapeLike, low: float = 0.0, high: float = 1.0, *,
                dtype: type[np.float32] = np.float32, seed: Seed = None, layout: Layout = "io",
                global_shape: Sequence[SupportsIndex] | None = None,
                index: BlockIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def uniform(shape: ShapeLike, low: float = 0.0, high: float = 1.0, *,
                dtype: type[_ScalarT] | np.dtype[_ScalarT], seed: Seed = None,
                layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                index: BlockIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def uniform(shape: ShapeLike, low: float = 0.0, high: float = 1.0, *, dtype: DTypeLike,
                seed: Seed = None, layout: Layout = "io",
                global_shape: Sequence[SupportsIndex] | None = None,
                index: BlockIndex | None = None) -> NDArray[Any]: ...
    def uniform(shape: ShapeLike, low: float = 0.0, high: float = 1.0, *,
                dtype: DTypeLike = np.float32, seed: Seed = None, layout: Layout = "io",
                global_shape: Sequence[SupportsIndex] | None = None,
                index: BlockIndex | None = None) -> NDArray[Any]: ...
    @overload
    def truncated_normal(shape: ShapeLike, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                         b: float = 2.0, *, dtype: type[np.float32] = np.float32,
                         seed: Seed = None, layout: Layout = "io",
                         global_shape: Sequence[SupportsIndex] | None = None,
                         index: BlockIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def truncated_normal(shape: ShapeLike, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                         b: float = 2.0, *, dtype: type[_ScalarT] | np.dtype[_ScalarT],
                         seed: Seed = None, layout: Layout = "io",
                         global_shape: Sequence[SupportsIndex] | None = None,
                         index: BlockIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def truncated_normal(shape: ShapeLike, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                         b: float = 2.0, *, dtype: DTypeLike, seed: Seed = None,
                         layout: Layout = "io",
                         global_shape: Sequence[SupportsIndex] | None = None,
                         index: BlockIndex | None = None) -> NDArray[Any]: ...
    def truncated_normal(shape: ShapeLike, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                         b: float = 2.0, *, dtype: DTypeLike = np.float32, seed: Seed = None,
                         layout: Layout = "io",
                         global_shape: Sequence[SupportsIndex] | None = None,
                         index: BlockIndex | None = None) -> NDArray[Any]: ...
    @overload
    def lecun_normal(shape: ShapeLike, *, dtype: type[np.float32] = np.float32, seed: Seed = None,
                     layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                     index: BlockIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def lecun_normal(shape: ShapeLike, *, dtype: type[_ScalarT] | np.dtype[_ScalarT],
                     seed: Seed = None, layout: Layout = "io",
                     global_shape: Sequence[SupportsIndex] | None = None,
                     index: BlockIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def lecun_normal(shape: ShapeLike, *, dtype: DTypeLike, seed: Seed = None,
                     layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                     index: BlockIndex | None = None) -> NDArray[Any]: ...
    def lecun_normal(shape: ShapeLike, *, dtype: DTypeLike = np.float32, seed: Seed = None,
                     layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                     index: BlockIndex | None = None) -> NDArray[Any]: ...
    @overload
    def lecun_uniform(shape: ShapeLike, *, dtype: type[np.float32] = np.float32, seed: Seed = None,
                      layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                      index: BlockIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def lecun_uniform(shape: ShapeLike, *, dtype: type[_ScalarT] | np.dtype[_ScalarT],
                      seed: Seed = None, layout: Layout = "io",
                      global_shape: Sequence[SupportsIndex] | None = None,
                      index: BlockIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def lecun_uniform(shape: ShapeLike, *, dtype: DTypeLike, seed: Seed = None,
                      layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                      index: BlockIndex | None = None) -> NDArray[Any]: ...
    def lecun_uniform(shape: ShapeLike, *, dtype: DTypeLike = np.float32, seed: Seed = None,
                      layout: Layout = "io", global_shape: Sequence[SupportsIndex] | None = None,
                      index: BlockIndex | None = None) -> NDArray[Any]: ...
    @overload
    def orthogonal(shape: ShapeLike, gain: float = 1.0, *, dtype: type[np.float32] = np.float32,
                   seed: Seed = None, layout: MatrixLayout = "io") -> NDArray[np.float32]: ...
    @overload
    def orthogonal(shape: ShapeLike, gain: float = 1.0, *,
                   dtype: type[_ScalarT] | np.dtype[_ScalarT], seed: Seed = None,
                   layout: MatrixLayout = "io") -> NDArray[_ScalarT]: ...
    @overload
    def orthogonal(shape: ShapeLike, gain: float = 1.0, *, dtype: DTypeLike, seed: Seed = None,
                   layout: MatrixLayout = "io") -> NDArray[Any]: ...
    def orthogonal(shape: ShapeLike, gain: float = 1.0, *, dtype: DTypeLike = np.float32,
                   seed: Seed = None, layout: MatrixLayout = "io") -> NDArray[Any]: ...
    @overload
    def eye(shape: ShapeLike, gain: float = 1.0, *, dtype: type[np.float32] = np.float32,
            seed: Seed = None, layout: MatrixLayout = "io") -> NDArray[np.float32]: ...
    @overload
    def eye(shape: ShapeLike, gain: float = 1.0, *, dtype: type[_ScalarT] | np.dtype[_ScalarT],
            seed: Seed = None, layout: MatrixLayout = "io") -> NDArray[_ScalarT]: ...
    @overload
    def eye(shape: ShapeLike, gain: float = 1.0, *, dtype: DTypeLike, seed: Seed = None,
            layout: MatrixLayout = "io") -> NDArray[Any]: ...
    def eye(shape: ShapeLike, gain: float = 1.0, *, dtype: DTypeLike = np.float32,
            seed: Seed = None, layout: MatrixLayout = "io") -> NDArray[Any]: ...
    @overload
    def dirac(shape: ShapeLike, groups: SupportsIndex = 1, *, dtype: type[np.float32] = np.float32,
              seed: Seed = None, layout: MatrixLayout = "io") -> NDArray[np.float32]: ...
    @overload
    def dirac(shape: ShapeLike, groups: SupportsIndex = 1, *,
              dtype: type[_ScalarT] | np.dtype[_ScalarT], seed: Seed = None,
              layout: MatrixLayout = "io") -> NDArray[_ScalarT]: ...
    @overload
    def dirac(shape: ShapeLike, groups: SupportsIndex = 1, *, dtype: DTypeLike, seed: Seed = None,
              layout: MatrixLayout = "io") -> NDArray[Any]: ...
    def dirac(shape: ShapeLike, groups: SupportsIndex = 1, *, dtype: DTypeLike = np.float32,
              seed: Seed = None, layout: MatrixLayout = "io") -> NDArray[Any]: ...
    @overload
    def delta_orthogonal(shape: ShapeLike, gain: float = 1.0, *,
                         dtype: type[np.float32] = np.float32, seed: Seed = None,
                         layout: MatrixLayout = "io") -> NDArray[np.float32]: ...
    @overload
    def delta_orthogonal(shape: ShapeLike, gain: float = 1.0, *,
                         dtype: type[_ScalarT] | np.dtype[_ScalarT], seed: Seed = None,
                         layout: MatrixLayout = "io") -> NDArray[_ScalarT]: ...
    @overload
    def delta_orthogonal(shape: ShapeLike, gain: float = 1.0, *, dtype: DTypeLike,
                         seed: Seed = None, layout: MatrixLayout = "io") -> NDArray[Any]: ...
    def delta_orthogonal(shape: ShapeLike, gain: float = 1.0, *, dtype: DTypeLike = np.float32,
                         seed: Seed = None, layout: MatrixLayout = "io") -> NDArray[Any]: ...
    @overload
    def sparse(shape: ShapeLike, sparsity: float, std: float = 0.01, *,
               dtype: type[np.float32] = np.float32, seed: Seed = None,
               layout: MatrixLayout = "io") -> NDArray[np.float32]: ...
    @overload
    def sparse(shape: ShapeLike, sparsity: float, std: float = 0.01, *,
               dtype: type[_ScalarT] | np.dtype[_ScalarT], seed: Seed = None,
               layout: MatrixLayout = "io") -> NDArray[_ScalarT]: ...
    @overload
    def sparse(shape: ShapeLike, sparsity: float, std: float = 0.01, *, dtype: DTypeLike,
               seed: Seed = None, layout: MatrixLayout = "io") -> NDArray[Any]: ...
    def sparse(shape: ShapeLike, sparsity: float, std: float = 0.01, *,
               dtype: DTypeLike = np.float32, seed: Seed = None,
               layout: MatrixLayout = "io") -> NDArray[Any]: ...
    @overload
    def variance_scaling(shape: ShapeLike, scale: float = 1.0, mode: Mode = "fan_in",
                         distribution: Distribution = "truncated_normal", *,
                         dtype: type[np.float32] = np.float32, seed: Seed = None,
                         layout: Layout = "io",
                         global_shape: Sequence[SupportsIndex] | None = None,
                         index: BlockIndex | None = None) -> NDArray[np.float32]: ...
    @overload
    def variance_scaling(shape: ShapeLike, scale: float = 1.0, mode: Mode = "fan_in",
                         distribution: Distribution = "truncated_normal", *,
                         dtype: type[_ScalarT] | np.dtype[_ScalarT], seed: Seed = None,
                         layout: Layout = "io",
                         global_shape: Sequence[SupportsIndex] | None = None,
                         index: BlockIndex | None = None) -> NDArray[_ScalarT]: ...
    @overload
    def variance_scaling(shape: ShapeLike, scale: float = 1.0, mode: Mode = "fan_in",
                         distribution: Distribution = "truncated_normal", *, dtype: DTypeLike,
                         seed: Seed = None, layout: Layout = "io",
                         global_shape: Sequence[SupportsIndex] | None = None,
                         index: BlockIndex | None = None) -> NDArray[Any]: ...
    def variance_scaling(shape: ShapeLike, scale: float = 1.0, mode: Mode = "fan_in",
                         distribution: Distribution = "truncated_normal", *,
                         dtype: DTypeLike = np.float32, seed: Seed = None, layout: Layout = "io",
                         global_shape: Sequence[SupportsIndex] | None = None,
                         index: BlockIndex | None = None) -> NDArray[Any]: ...
else:
    xavier_normal = _initializer(xavier_normal_)
    xavier_uniform = _initializer(xavier_uniform_)
    he_normal = _initializer(he_normal_)
    he_uniform = _initializer(he_uniform_)
    zeros = _initializer(zeros_)
    ones = _initializer(ones_)
    constant = _initializer(constant_)
    normal = _initializer(normal_)
    uniform = _initializer(uniform_)
    truncated_normal = _initializer(truncated_normal_)
    lecun_normal = _initializer(lecun_normal_)
    lecun_uniform = _initializer(lecun_uniform_)
    orthogonal = _initializer(orthogonal_)
    eye = _initializer(eye_)
    dirac = _initializer(dirac_)
    delta_orthogonal = _initializer(delta_orthogonal_)
    sparse = _initializer(sparse_)
    variance_scaling = _initializer(variance_scaling_)

glorot_normal, glorot_normal_ = xavier_normal, xavier_normal_
glorot_uniform, glorot_uniform_ = xavier_uniform, xavier_uniform_
kaiming_normal, kaiming_normal_ = he_normal, he_normal_
kaiming_uniform, kaiming_uniform_ = he_uniform, he_uniform_
for _alias, _name in (("glorot_normal", "xavier_normal"), ("glorot_uniform", "xavier_uniform"),
                      ("kaiming_normal", "he_normal"), ("kaiming_uniform", "he_uniform")):
    PLANS[_alias] = PLANS[_name]
del _alias, _name

#: Every initializer by name (functional form), aliases included.
INITIALIZERS: dict[str, Initializer] = {name: globals()[name] for name in __all__
                if not name.endswith("_") and name not in
                ("calculate_gain", "fan_in_fan_out", "resolve", "INITIALIZERS", "FanAxes")}


# ---------------------------------------------------------------------------
# resolve(): the book's weight_init_std
# ---------------------------------------------------------------------------

def _book_std(fn_std: Callable[[int], float], label: str) -> Initializer:
    """An initializer Normal(0, fn_std(fan_in))."""
    def init(shape: ShapeLike, *, dtype: DTypeLike = np.float32, seed: Seed = None,
             layout: Layout = "io") -> NDArray[Any]:
        arr = _new_array(shape, dtype)
        fan_in, _ = fan_in_fan_out(arr.shape, layout)
        return normal_(arr, 0.0, fn_std(fan_in), seed=seed, layout=layout)

    init.__name__ = init.__qualname__ = f"book_{label}"
    init.__doc__ = f"Normal(0, {label}) with n = fan_in (the book's MultiLayerNet)."
    return init


def resolve(spec: float | str | Initializer) -> Initializer:
    """An initializer ``f(shape, *, dtype=np.float32, seed=None, layout="io")``
    from a ``weight_init_std`` value, read exactly as *Deep Learning from
    Scratch*'s ``MultiLayerNet``:

    - a number: Normal(0, that std) (e.g. 0.01, or 1 to saturate sigmoid);
    - ``"xavier"`` or ``"sigmoid"``: Normal(0, sqrt(1 / n_in));
    - ``"he"`` or ``"relu"``: Normal(0, sqrt(2 / n_in));
    - ``"std=0.01"``: Normal(0, 0.01);
    - any initializer name (``"xavier_normal"``, ``"he_uniform"``,
      ``"orthogonal"``, ``"zeros"``, ...): that initializer with its
      defaults; a callable is returned unchanged.

    n_in is the layer's fan_in.  Note that the book's "xavier",
    sqrt(1 / n_in), is not Glorot's: ``xavier_normal`` uses
    sqrt(2 / (n_in + n_out)) as in the Glorot & Bengio paper and PyTorch
    (the two agree only when n_in == n_out).  Names are case-insensitive,
    as in the book (``str(weight_init_std).lower()``).
    """
    if callable(spec):
        return spec
    if isinstance(spec, (bool, np.bool_)):
        raise TypeError("weight_init_std must be a number or a name, got bool")
    if isinstance(spec, numbers.Real):
        return _std_initializer(float(spec), repr(spec))
    if not isinstance(spec, str):
        raise TypeError(f"weight_init_std must be a number or a name, got {type(spec).__name__}")
    key = spec.strip().lower()
    if key in ("xavier", "sigmoid"):
        return _book_std(lambda n: math.sqrt(1.0 / n) if n else 0.0, "sqrt(1/n)")
    if key in ("he", "relu"):
        return _book_std(lambda n: math.sqrt(2.0 / n) if n else 0.0, "sqrt(2/n)")
    if key.startswith("std="):
        try:
            std = float(key[4:])
        except ValueError:
            raise ValueError(f"cannot read a std from {spec!r}") from None
        return _std_initializer(std, key[4:])
    if key in INITIALIZERS:
        return INITIALIZERS[key]
    raise ValueError(f"unknown initializer {spec!r}; expected a std (number or 'std=0.01'), "
                     f"'xavier'/'sigmoid', 'he'/'relu', or one of {sorted(INITIALIZERS)}")


def _std_initializer(std: float, label: str) -> Initializer:
    if not math.isfinite(std) or std < 0:
        raise ValueError(f"weight_init_std must be a finite std >= 0, got {label}")
    return _book_std(lambda n: std, label)


# Hidden from type checkers, which would otherwise accept any attribute of the module.
if not TYPE_CHECKING:
    def __getattr__(name: str) -> NoReturn:
        if name == "lsuv":  # data-dependent: it needs a network, which the engine does not import
            raise AttributeError("fastinit.init.lsuv is now fastinit.nn.lsuv (also fastinit.lsuv)")
        raise AttributeError(f"module 'fastinit.init' has no attribute {name!r}")
