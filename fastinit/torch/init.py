"""``torch.nn.init`` computed by fastinit.

Every function of ``torch.nn.init`` with torch's signature, defaults and
fan/gain rules (weights are ``(out, in, *kernel)``), ``generator=`` replaced
by ``seed=`` (an int, a ``fastinit.random.Generator``, used and advanced, or
None for fresh entropy).  Tensors are float32, float64, bfloat16 or float16,
filled in place through their memory (no copy when contiguous on the CPU),
whether or not they require grad.  A 16-bit tensor holds the float32 values
rounded to nearest even.  A CUDA (or other non-CPU) tensor is filled on the
CPU and copied; a meta tensor raises ValueError.

The elementwise initializers also take ``global_shape=`` and ``index=`` (a
tuple of slices): the tensor is then that block of a larger tensor, fans
come from the global shape, and the values are the ones the whole tensor
holds there.  A DTensor is filled shard by shard that way on its own.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal, SupportsFloat, Union

import numpy as np
import torch
from numpy.typing import NDArray

from .. import init as _fi
from ..random import Generator
from . import _tensor

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_",
           "zeros_", "eye_", "dirac_", "xavier_uniform_", "xavier_normal_",
           "kaiming_uniform_", "kaiming_normal_", "orthogonal_", "sparse_"]

calculate_gain = _fi.calculate_gain

#: ``seed=``: a ``fastinit.random.Generator`` (used and advanced), or an int, None (fresh
#: entropy) or anything else ``Generator(seed)`` takes, as fastinit.init's ``seed=``
_Seed = Union[Generator, int, Sequence[int], NDArray[np.integer[Any]], np.random.SeedSequence,
              None]
_FanMode = Literal["fan_in", "fan_out"]
_Nonlinearity = Literal["linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                       "conv_transpose2d", "conv_transpose3d", "sigmoid", "tanh", "relu",
                       "leaky_relu", "selu"]
_Shape = Union[Sequence[int], None]  # global_shape=
_Index = Union[tuple[slice, ...], None]  # index=


def _fans(tensor: torch.Tensor, global_shape: _Shape) -> tuple[int, int]:
    """torch's ``_calculate_fan_in_and_fan_out`` of the (global) weight."""
    shape = tuple(tensor.shape) if global_shape is None else tuple(global_shape)
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer "
                         f"than 2 dimensions (shape {shape})")
    return _fi.fan_in_fan_out(shape, "oi")


def _elementwise(tensor: torch.Tensor, fill: Callable[..., object], seed: _Seed,
                 global_shape: _Shape, index: _Index) -> torch.Tensor:
    _tensor.check_tensor(tensor)
    return _tensor.fill(tensor, lambda a, **shard: fill(a, seed=seed, layout="oi", **shard),
                        global_shape=global_shape, index=index)


def _symmetric_uniform(tensor: torch.Tensor, bound: float, seed: _Seed,
                       global_shape: _Shape, index: _Index) -> torch.Tensor:
    if bound > 0:
        return _elementwise(tensor, lambda a, **k: _fi.uniform_(a, -bound, bound, **k),
                            seed, global_shape, index)
    return _elementwise(tensor, _fi.zeros_, seed, global_shape, index)


def _number(value: SupportsFloat, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            return float(value)  # numpy scalars, 0-d tensors
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a real number, got {type(value).__name__}") from None
    return float(value)


def uniform_(tensor: torch.Tensor, a: float = 0.0, b: float = 1.0, *, seed: _Seed = None,
             global_shape: _Shape = None, index: _Index = None) -> torch.Tensor:
    """Uniform on [a, b) (``a == b`` fills with a, as torch)."""
    a, b = _number(a, "a"), _number(b, "b")
    if a > b:
        raise ValueError(f"uniform_ needs a <= b, got a={a}, b={b}")
    if a == b:
        return constant_(tensor, a, global_shape=global_shape, index=index)
    return _elementwise(tensor, lambda arr, **k: _fi.uniform_(arr, a, b, **k),
                        seed, global_shape, index)


def normal_(tensor: torch.Tensor, mean: float = 0.0, std: float = 1.0, *, seed: _Seed = None,
            global_shape: _Shape = None, index: _Index = None) -> torch.Tensor:
    """Normal(mean, std); std >= 0."""
    mean, std = _number(mean, "mean"), _number(std, "std")
    return _elementwise(tensor, lambda arr, **k: _fi.normal_(arr, mean, std, **k),
                        seed, global_shape, index)


def trunc_normal_(tensor: torch.Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, *, seed: _Seed = None, global_shape: _Shape = None,
                  index: _Index = None) -> torch.Tensor:
    """Normal(mean, std) restricted to [a, b]: absolute bounds, as torch
    (fastinit.init.truncated_normal_ takes them in standard deviations).
    Sampled by the inverse CDF, as torch, with no rejection loop."""
    mean, std, a, b = (_number(v, n) for v, n in ((mean, "mean"), (std, "std"), (a, "a"),
                                                   (b, "b")))
    if not std > 0:
        raise ValueError(f"trunc_normal_ needs std > 0, got {std}")
    if not a < b:
        raise ValueError(f"trunc_normal_ needs a < b, got a={a}, b={b}")
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    lo, hi = (a - mean) / std, (b - mean) / std
    return _elementwise(tensor,
                        lambda arr, **k: _fi.truncated_normal_(arr, mean, std, lo, hi, **k),
                        seed, global_shape, index)


def constant_(tensor: torch.Tensor, val: float, *, global_shape: _Shape = None,
              index: _Index = None) -> torch.Tensor:
    """Fill with ``val``."""
    val = _number(val, "val")
    return _elementwise(tensor, lambda arr, **k: _fi.constant_(arr, val, **k),
                        None, global_shape, index)


def ones_(tensor: torch.Tensor, *, global_shape: _Shape = None,
          index: _Index = None) -> torch.Tensor:
    """Fill with 1."""
    return constant_(tensor, 1.0, global_shape=global_shape, index=index)


def zeros_(tensor: torch.Tensor, *, global_shape: _Shape = None,
           index: _Index = None) -> torch.Tensor:
    """Fill with 0."""
    return constant_(tensor, 0.0, global_shape=global_shape, index=index)


def _whole(tensor: torch.Tensor, fill: Callable[..., object]) -> torch.Tensor:
    """A non-elementwise initializer: the whole tensor at once."""
    _tensor.check_tensor(tensor)
    return _tensor.fill(tensor, fill, shardable=False)


def eye_(tensor: torch.Tensor) -> torch.Tensor:
    """The identity of a 2-D tensor (ones on the main diagonal)."""
    _tensor.check_tensor(tensor)
    if tensor.dim() != 2:
        raise ValueError(f"Only tensors with 2 dimensions are supported, got shape "
                         f"{tuple(tensor.shape)}")
    return _whole(tensor, lambda arr: _fi.eye_(arr, layout="oi"))


def dirac_(tensor: torch.Tensor, groups: int = 1) -> torch.Tensor:
    """torch's ``dirac_``: a {3, 4, 5}-D convolution kernel passing its input
    through, channel by channel within each group."""
    _tensor.check_tensor(tensor)
    return _whole(tensor, lambda arr: _fi.dirac_(arr, groups, layout="oi"))


def xavier_uniform_(tensor: torch.Tensor, gain: float = 1.0, *, seed: _Seed = None,
                    global_shape: _Shape = None, index: _Index = None) -> torch.Tensor:
    """Uniform(-b, b), b = gain * sqrt(6 / (fan_in + fan_out))."""
    _tensor.check_tensor(tensor)
    fan_in, fan_out = _fans(tensor, global_shape)
    std = _number(gain, "gain") * math.sqrt(2.0 / float(fan_in + fan_out))
    return _symmetric_uniform(tensor, math.sqrt(3.0) * std, seed, global_shape, index)


def xavier_normal_(tensor: torch.Tensor, gain: float = 1.0, *, seed: _Seed = None,
                   global_shape: _Shape = None, index: _Index = None) -> torch.Tensor:
    """Normal(0, gain * sqrt(2 / (fan_in + fan_out)))."""
    _tensor.check_tensor(tensor)
    fan_in, fan_out = _fans(tensor, global_shape)
    std = _number(gain, "gain") * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, seed=seed, global_shape=global_shape, index=index)


def _kaiming_std(tensor: torch.Tensor, a: float | None, mode: _FanMode,
                 nonlinearity: _Nonlinearity, global_shape: _Shape) -> float:
    _tensor.check_tensor(tensor)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _fans(tensor, global_shape)
    if nonlinearity != "leaky_relu" and a not in (0, None):
        # torch's calculate_gain ignores `a` here; keep torch's numbers, but say so
        warnings.warn(f"a={a!r} applies to nonlinearity='leaky_relu' only and is ignored "
                      f"with nonlinearity={nonlinearity!r}, as torch does", UserWarning,
                      stacklevel=3)
        a = None
    gain = calculate_gain(nonlinearity, a)
    fan = fan_in if mode == "fan_in" else fan_out
    return gain / math.sqrt(fan)


def kaiming_uniform_(tensor: torch.Tensor, a: float = 0, mode: _FanMode = "fan_in",
                     nonlinearity: _Nonlinearity = "leaky_relu", *, seed: _Seed = None,
                     global_shape: _Shape = None, index: _Index = None) -> torch.Tensor:
    """He et al. (2015): Uniform(-b, b), b = gain * sqrt(3 / fan),
    gain = calculate_gain(nonlinearity, a)."""
    if isinstance(tensor, torch.Tensor) and 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    std = _kaiming_std(tensor, a, mode, nonlinearity, global_shape)
    return _symmetric_uniform(tensor, math.sqrt(3.0) * std, seed, global_shape, index)


def kaiming_normal_(tensor: torch.Tensor, a: float = 0, mode: _FanMode = "fan_in",
                    nonlinearity: _Nonlinearity = "leaky_relu", *, seed: _Seed = None,
                    global_shape: _Shape = None, index: _Index = None) -> torch.Tensor:
    """He et al. (2015): Normal(0, gain / sqrt(fan))."""
    if isinstance(tensor, torch.Tensor) and 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    std = _kaiming_std(tensor, a, mode, nonlinearity, global_shape)
    return normal_(tensor, 0.0, std, seed=seed, global_shape=global_shape, index=index)


def orthogonal_(tensor: torch.Tensor, gain: float = 1, *, seed: _Seed = None) -> torch.Tensor:
    """Saxe et al. (2013): the tensor viewed as (shape[0], rest) filled with a
    Haar-distributed (semi-)orthogonal matrix, times ``gain``."""
    _tensor.check_tensor(tensor)
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported, got shape "
                         f"{tuple(tensor.shape)}")
    if tensor.numel() == 0:
        return tensor  # torch returns it untouched, without a warning
    gain = _number(gain, "gain")
    return _whole(tensor, lambda arr: _fi.orthogonal_(arr, gain, seed=seed, layout="oi"))


def sparse_(tensor: torch.Tensor, sparsity: float, std: float = 0.01, *,
            seed: _Seed = None) -> torch.Tensor:
    """Martens (2010): Normal(0, std), then ceil(sparsity * rows) entries of
    each column set to zero (2-D only)."""
    _tensor.check_tensor(tensor)
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported, got shape "
                         f"{tuple(tensor.shape)}")
    sparsity, std = _number(sparsity, "sparsity"), _number(std, "std")
    return _whole(tensor, lambda arr: _fi.sparse_(arr, sparsity, std, seed=seed, layout="oi"))
