"""fastinit for Keras 3: ``keras.initializers`` on fastinit's generator.

Drop-in ``keras.initializers.Initializer`` subclasses with Keras' names,
arguments, fan rules (``compute_fans``, ``input_axes``/``output_axes``),
truncation (at two standard deviations) and seed behaviour: an int seed, or
None (a random int picked once, at construction), gives the same values on
every call; a ``keras.random.SeedGenerator`` or a
``fastinit.random.Generator`` gives new values on every call::

    import keras, fastinit.keras as fk
    layer = keras.layers.Dense(512, kernel_initializer=fk.HeNormal(seed=1))

Each class is registered with ``keras.saving.register_keras_serializable
(package="fastinit")``, so models using them save and reload.  The values
are fastinit's (its stream, not Keras'), computed on the host as NumPy
arrays (bfloat16 through ml_dtypes) and handed to the backend.
"""
from __future__ import annotations

try:
    import keras
except ImportError as exc:  # pragma: no cover - exercised where keras is absent
    if getattr(exc, "name", None) == "keras":
        raise ImportError("fastinit.keras needs Keras 3: pip install 'fastinit[keras]'") from exc
    # Keras is installed but its backend is not (Keras 3 defaults to TensorFlow)
    raise ImportError(f"fastinit.keras: Keras could not load its backend ({exc}); install "
                      "that backend, or choose an installed one with KERAS_BACKEND=jax, "
                      "torch or tensorflow") from exc

import math
import random as _py_random
from collections.abc import Sequence
from typing import Any, Literal, Union, cast

import numpy as np
import numpy.typing as npt

from .. import init as _fi
from .._validate import fill_dtype
from ..random import Generator

__all__ = ["Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity",
           "LecunNormal", "LecunUniform", "Ones", "Orthogonal", "RandomNormal", "RandomUniform",
           "TruncatedNormal", "VarianceScaling", "Zeros"]

TRUNCATED_STD = _fi.TRUNCATED_STD
_register = keras.saving.register_keras_serializable(package="fastinit")

#: ``seed=``: an int (or None: one picked at construction) gives the same values on every
#: call; a ``keras.random.SeedGenerator`` or ``fastinit.random.Generator`` new ones;
#: a dict is a serialized SeedGenerator (from get_config)
_Seed = Union[int, np.integer[Any], keras.random.SeedGenerator, Generator, dict[str, Any], None]
_Mode = Literal["fan_in", "fan_out", "fan_avg"]
_Distribution = Literal["truncated_normal", "untruncated_normal", "uniform", "normal"]


def compute_fans(shape: Sequence[int], input_axes: Sequence[int] | None = None,
                 output_axes: Sequence[int] | None = None) -> tuple[int, int]:
    """Keras' fans: explicit axes when both are given, else 0-D: 1, 1-D:
    (n, n), 2-D: (in, out), N-D: (*receptive, in, out)."""
    shape = tuple(int(s) for s in shape)
    if input_axes is not None and output_axes is not None:
        return (int(math.prod(shape[a] for a in input_axes)),
                int(math.prod(shape[a] for a in output_axes)))
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _numpy_dtype(dtype: npt.DTypeLike | None) -> np.dtype[Any]:
    name = keras.backend.standardize_dtype(dtype or keras.config.floatx())
    try:
        return fill_dtype(name)
    except (TypeError, ValueError):
        raise TypeError(f"fastinit.keras fills float32, float64, bfloat16 or float16 weights, "
                        f"got dtype {name}") from None


def _jax_x64() -> bool:
    import jax
    return bool(jax.config.jax_enable_x64)


# keras.initializers.Initializer is Any to mypy: keras is not followed (follow_imports = "skip")
class _Base(keras.initializers.Initializer):  # type: ignore[misc]
    """fill(array, gen) does the work; __call__ hands Keras a tensor."""

    def __call__(self, shape: Sequence[int], dtype: npt.DTypeLike | None = None) -> Any:
        # -> a tensor of the Keras backend (jax.Array, torch.Tensor, tf.Tensor, ndarray)
        shape = tuple(int(s) for s in shape)
        np_dtype = _numpy_dtype(dtype)
        gen = self._generator()

        def fill(out: np.ndarray[Any, Any]) -> None:
            if out.size:
                self.fill(out, gen)
        if keras.backend.backend() == "jax" and (np_dtype.itemsize < 8 or _jax_x64()):
            from ..jax import _to_device  # no host-to-device copy on the CPU
            return _to_device(fill, shape, np_dtype)
        out = np.empty(shape, np_dtype)
        fill(out)
        return keras.ops.convert_to_tensor(out, dtype=keras.backend.standardize_dtype(
            dtype or keras.config.floatx()))

    def _generator(self) -> Generator | None:
        return None

    def fill(self, out: np.ndarray[Any, Any], gen: Generator | None) -> None:
        raise NotImplementedError


class _Random(_Base):
    """Keras' seed behaviour on fastinit's generator."""

    def __init__(self, seed: _Seed = None) -> None:
        self._init_seed = seed
        if isinstance(seed, dict):
            seed = keras.saving.deserialize_keras_object(seed)
        if seed is None:
            seed = _py_random.randint(1, 10**9)  # as Keras: fixed at construction
        if isinstance(seed, bool) or not isinstance(
                seed, (int, np.integer, keras.random.SeedGenerator, Generator)):
            raise ValueError("`seed` argument should be an instance of "
                             "`keras.random.SeedGenerator()`, a fastinit.random.Generator or "
                             f"an integer. Received: seed={seed!r}")
        self.seed: int | np.integer[Any] | keras.random.SeedGenerator | Generator = seed

    def _generator(self) -> Generator:
        if isinstance(self.seed, Generator):
            return self.seed  # advanced by every call
        if isinstance(self.seed, keras.random.SeedGenerator):
            draw = keras.random.randint((2,), 0, 2**31 - 1, seed=self.seed)  # advances it
            return Generator([int(v) for v in keras.ops.convert_to_numpy(draw)])
        return Generator(int(self.seed))  # the same values on every call

    def get_config(self) -> dict[str, Any]:
        seed = self._init_seed
        if isinstance(seed, Generator):
            seed = None  # a live stream has no config; the model reloads unseeded
        return {"seed": keras.saving.serialize_keras_object(seed)}


@_register
class Zeros(_Base):
    """Zeros."""

    def fill(self, out: np.ndarray[Any, Any], gen: Generator | None) -> None:
        out.fill(0)


@_register
class Ones(_Base):
    """Ones."""

    def fill(self, out: np.ndarray[Any, Any], gen: Generator | None) -> None:
        out.fill(1)


@_register
class Constant(_Base):
    """Every element ``value``."""

    def __init__(self, value: float = 0.0) -> None:
        self.value = value

    def fill(self, out: np.ndarray[Any, Any], gen: Generator | None) -> None:
        out.fill(float(self.value))

    def get_config(self) -> dict[str, Any]:
        return {"value": keras.saving.serialize_keras_object(self.value)}


@_register
class RandomNormal(_Random):
    """Normal(mean, stddev)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: _Seed = None) -> None:
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    def fill(self, out: np.ndarray[Any, Any], gen: Generator | None) -> None:
        assert gen is not None  # _Random._generator() never returns None
        gen.normal(None, self.mean, self.stddev, out=out)

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


@_register
class TruncatedNormal(_Random):
    """Normal(mean, stddev) with values beyond two standard deviations
    re-drawn (Keras' truncation; sampled here by the inverse CDF)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: _Seed = None) -> None:
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    def fill(self, out: np.ndarray[Any, Any], gen: Generator | None) -> None:
        assert gen is not None  # _Random._generator() never returns None
        gen.truncated_normal(None, self.mean, self.stddev, -2.0, 2.0, out=out)

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


@_register
class RandomUniform(_Random):
    """Uniform on [minval, maxval)."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: _Seed = None) -> None:
        self.minval, self.maxval = minval, maxval
        super().__init__(seed)

    def fill(self, out: np.ndarray[Any, Any], gen: Generator | None) -> None:
        assert gen is not None  # _Random._generator() never returns None
        gen.uniform(None, self.minval, self.maxval, out=out)

    def get_config(self) -> dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


@_register
class VarianceScaling(_Random):
    """Keras' VarianceScaling: variance scale / n (n: fan_in, fan_out or
    their mean), "truncated_normal" (std / 0.8796..., at +-2 std),
    "untruncated_normal" or "uniform"."""

    def __init__(self, scale: float = 1.0, mode: _Mode = "fan_in",
                 distribution: _Distribution = "truncated_normal", seed: _Seed = None,
                 input_axes: Sequence[int] | None = None,
                 output_axes: Sequence[int] | None = None) -> None:
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode!r}")
        # Keras takes any case (checked below): the Literal is the documented spelling
        distribution = cast(_Distribution, distribution.lower())
        if distribution == "normal":
            distribution = "truncated_normal"  # Keras' backwards-compatible alias
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(f"Invalid `distribution` argument: {distribution!r}")
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.input_axes, self.output_axes = input_axes, output_axes
        super().__init__(seed)

    def fill(self, out: np.ndarray[Any, Any], gen: Generator | None) -> None:
        assert gen is not None  # _Random._generator() never returns None
        fan_in, fan_out = compute_fans(out.shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            gen.truncated_normal(None, 0.0, math.sqrt(scale) / TRUNCATED_STD, -2.0, 2.0, out=out)
        elif self.distribution == "untruncated_normal":
            gen.normal(None, 0.0, math.sqrt(scale), out=out)
        else:
            limit = math.sqrt(3.0 * scale)
            gen.uniform(None, -limit, limit, out=out)

    def get_config(self) -> dict[str, Any]:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "input_axes": self.input_axes, "output_axes": self.output_axes,
                **super().get_config()}


def _variance_scaling_class(name: str, scale: float, mode: _Mode, distribution: _Distribution,
                            doc: str) -> type[VarianceScaling]:
    def __init__(self: VarianceScaling, seed: _Seed = None) -> None:
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self: VarianceScaling) -> dict[str, Any]:
        return _Random.get_config(self)

    cls = type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                           "__doc__": doc, "__module__": __name__})
    registered: type[VarianceScaling] = _register(cls)
    return registered


GlorotUniform = _variance_scaling_class("GlorotUniform", 1.0, "fan_avg", "uniform",
                                        "Glorot uniform: Uniform(-l, l), l = sqrt(6 / (fan_in + fan_out)).")
GlorotNormal = _variance_scaling_class("GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                                       "Glorot normal: truncated normal, variance 2 / (fan_in + fan_out).")
LecunUniform = _variance_scaling_class("LecunUniform", 1.0, "fan_in", "uniform",
                                       "LeCun uniform: Uniform(-l, l), l = sqrt(3 / fan_in).")
LecunNormal = _variance_scaling_class("LecunNormal", 1.0, "fan_in", "truncated_normal",
                                      "LeCun normal: truncated normal, variance 1 / fan_in.")
HeUniform = _variance_scaling_class("HeUniform", 2.0, "fan_in", "uniform",
                                    "He uniform: Uniform(-l, l), l = sqrt(6 / fan_in).")
HeNormal = _variance_scaling_class("HeNormal", 2.0, "fan_in", "truncated_normal",
                                   "He normal: truncated normal, variance 2 / fan_in.")


@_register
class Orthogonal(_Random):
    """A (semi-)orthogonal matrix times ``gain``: the weight viewed as
    (prod(shape[:-1]), shape[-1]), as Keras."""

    def __init__(self, gain: float = 1.0, seed: _Seed = None) -> None:
        self.gain = gain
        super().__init__(seed)

    def fill(self, out: np.ndarray[Any, Any], gen: Generator | None) -> None:
        if out.ndim < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={out.shape} of rank {out.ndim}.")
        _fi.orthogonal_(out, self.gain, seed=gen, layout="io")

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, **super().get_config()}


@_register
class Identity(_Base):
    """The identity (2-D; rectangular: ones on the main diagonal) times ``gain``."""

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def fill(self, out: np.ndarray[Any, Any], gen: Generator | None) -> None:
        if out.ndim != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={out.shape} of rank {out.ndim}.")
        _fi.eye_(out, self.gain)

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}
