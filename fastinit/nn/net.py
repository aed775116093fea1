"""``MultiLayerNet``: the reference network (fastinit.reference.net) with
argument checking, every initializer of ``fastinit.init``, and a compiled
backend whose ``train_step`` is one C call (forward, loss, backward, weight
decay and optimizer update) on a workspace held by the net."""
from __future__ import annotations

import math
import operator
from typing import Iterable, Literal

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from .. import _core, ops
from .. import init as _init
from .._validate import index, real_number
from ..init import Initializer, Seed
from ..random import as_generator
from ..reference import layers as _ref_layers
from ..reference import net as _ref_net
from ..reference import optim as _ref_optim
from ..reference.functional import FloatArray
from ..reference.net import Activation
from . import layers as _layers
from . import optim as _optim

__all__ = ["MultiLayerNet"]

Backend = Literal["native", "numpy"]
#: The arrays a fused step is bound to: params, grads, optimizer state 1 and 2.
_Binding = tuple[list[FloatArray] | None, ...]

BACKENDS: tuple[Backend, ...] = ("native", "numpy")
ACTIVATIONS: tuple[Activation, ...] = tuple(_ref_net.ACTIVATION_LAYERS)
LEAKY_SLOPE = 0.01  # the LeakyRelu layers' default
MAX_LAYERS = 64     # csrc/nn/mlp.c keeps one pointer per layer on the stack


class MultiLayerNet(_ref_net.MultiLayerNet):
    """Fully connected network: ``[Affine -> activation] * len(hidden_size_list)
    -> Affine -> softmax cross-entropy``, with L2 weight decay.

    Parameters
    ----------
    input_size, output_size : int
    hidden_size_list : sequence of int
    activation : {"relu", "sigmoid", "tanh", "leaky_relu"}
        leaky_relu uses slope 0.01.
    weight_init_std : str, float or callable
        Anything ``fastinit.init.resolve`` accepts: the book's values
        ("relu"/"he", "sigmoid"/"xavier", a number used as the std) and every
        initializer name.  Biases start at zero.
    weight_decay_lambda : float
        ``loss += lambda/2 * sum ||W||^2``.
    dtype : float32 or float64
    seed : int, Generator or None
    backend : {"native", "numpy"}
        "native" runs the compiled kernels, "numpy" the pure-NumPy reference
        layers and optimizers; with the same seed both start from the same
        weights and follow the same trajectory (up to rounding).

    Attributes
    ----------
    params : dict of ndarray
        ``W1, b1, ..., Wn, bn``; W of shape (fan_in, fan_out).  Optimizers
        update these arrays in place; assigning new arrays is allowed (they
        are checked before the next use).
    layers, last_layer
        The layer objects (``fastinit.layers`` or
        ``fastinit.reference.layers``) sharing ``params``.

    Notes
    -----
    Data: x of shape (N, input_size) (or (N, ...) flattening to it), cast to
    ``dtype``; t int labels (N,) in [0, output_size) or one-hot (N,
    output_size).  Bad shapes or labels raise ValueError.  A loss that is
    not finite (diverged training, NaN in x) is returned as NaN/inf, not
    raised; ``fastinit.train`` raises on it.

    The native backend keeps a workspace for the last batch size and the
    gradient buffers in the net: one net runs one step at a time (use one
    net per thread).
    """

    def __init__(self, input_size: int, hidden_size_list: Iterable[int], output_size: int,
                 activation: Activation = "relu",
                 weight_init_std: float | str | Initializer = "relu",
                 weight_decay_lambda: float = 0.0, dtype: DTypeLike = np.float32,
                 seed: Seed = None, backend: Backend = "native") -> None:
        input_size = index(input_size, "input_size", minimum=1)
        output_size = index(output_size, "output_size", minimum=1)
        hidden = [index(h, "hidden_size_list[]", minimum=1) for h in hidden_size_list]
        if len(hidden) + 1 > MAX_LAYERS:
            raise ValueError(f"at most {MAX_LAYERS - 1} hidden layers, got {len(hidden)}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; expected one of "
                             f"{list(ACTIVATIONS)}")
        lam = real_number(weight_decay_lambda, "weight_decay_lambda")
        if not lam >= 0:
            raise ValueError(f"weight_decay_lambda must be >= 0, got {lam}")
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {np.dtype(dtype)}")
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
        self.backend = backend
        self.layer_module = _layers if backend == "native" else _ref_layers
        # the reference __init__ hands weight_init_std and seed to _init_weight,
        # overridden here to take any initializer and a fastinit seed
        super().__init__(input_size, hidden, output_size, activation,
                         weight_init_std, lam, dtype, seed)  # type: ignore[arg-type]
        self._keys = [f"{p}{i}" for i in range(1, len(hidden) + 2) for p in "Wb"]
        self._checked: list[FloatArray] = []  # the param arrays last checked (by identity)
        self._fused: _core.FusedMLP | None = None  # created on the first native step
        self._grads: dict[str, FloatArray] | None = None  # written by the fused step
        self._bound: _Binding = ()

    # ------------------------------------------------------------------
    # weights

    def _init_weight(self, weight_init_std: float | str | Initializer, seed: Seed) -> None:
        """W_l = resolve(weight_init_std)((fan_in, fan_out)) drawn from one
        generator in layer order; biases 0."""
        f = _init.resolve(weight_init_std)
        gen = as_generator(seed)
        sizes = self.sizes
        for idx in range(1, len(sizes)):
            W = f((sizes[idx - 1], sizes[idx]), dtype=self.dtype, seed=gen)
            self.params["W" + str(idx)] = np.ascontiguousarray(W, dtype=self.dtype)
            self.params["b" + str(idx)] = np.zeros(sizes[idx], dtype=self.dtype)

    def param_list(self) -> list[FloatArray]:
        """The params in W1, b1, ... order (what diagnose and lsuv walk
        layer by layer), checked (shape, dtype, layout)
        when they are not the arrays checked last time; the layers are
        re-pointed at replaced arrays."""
        arrays = [self.params[k] for k in self._keys]
        if len(arrays) == len(self._checked) and all(map(operator.is_, arrays, self._checked)):
            return arrays
        sizes = self.sizes
        for i, (key, p) in enumerate(zip(self._keys, arrays)):
            _optim.check_param(p, key)
            shape = (sizes[i // 2], sizes[i // 2 + 1]) if i % 2 == 0 else (sizes[i // 2 + 1],)
            if p.shape != shape or p.dtype != self.dtype:
                raise ValueError(f"params[{key!r}] has shape {p.shape} and dtype {p.dtype}, "
                                 f"expected {shape} {self.dtype}")
            affine = self.layers["Affine" + key[1:]]
            setattr(affine, key[0], p)
        self._checked = arrays
        return arrays

    # ------------------------------------------------------------------
    # data checking

    def check_inputs(self, x: ArrayLike) -> FloatArray:
        """x as the net computes on it: a C-contiguous (N, input_size) array
        of the net's dtype (cast and flattened); TypeError/ValueError on a
        bad dtype, shape or an empty batch."""
        x = np.asarray(x)
        if x.dtype.kind not in "fiub":
            raise TypeError(f"x must be a real array, got dtype {x.dtype}")
        if x.ndim < 2:
            raise ValueError(f"x must be a batch of shape (N, {self.input_size}), got shape "
                             f"{x.shape}")
        n = x.shape[0]
        if n == 0:
            raise ValueError("x is an empty batch (0 samples)")
        features = math.prod(x.shape[1:])
        if features != self.input_size:
            raise ValueError(f"x has {features} features per sample (shape {x.shape}) but the "
                             f"net has input_size={self.input_size}")
        return np.ascontiguousarray(x.reshape(n, features), dtype=self.dtype)

    def _targets(self, t: ArrayLike,
                 n: int) -> tuple[NDArray[np.int64] | None, FloatArray | None]:
        """(labels int64 (n,) or None, one-hot (n, K) or None)."""
        t_arr = np.asarray(t)
        if t_arr.ndim == 0 or t_arr.shape[0] != n:
            raise ValueError(f"t has shape {t_arr.shape} but x has {n} samples "
                             "(mismatched batch sizes)")
        if t_arr.ndim == 2 and t_arr.dtype.kind == "f":  # one-hot rows follow x's cast
            t_arr = t_arr.astype(self.dtype, copy=False)
        return ops._targets(t_arr, (n, self.output_size), self.dtype)

    def check_data(self, x: ArrayLike, t: ArrayLike
                   ) -> tuple[FloatArray, NDArray[np.int64] | None, FloatArray | None]:
        """(x, labels, onehot): x as ``check_inputs`` gives it and the
        targets as int64 labels (N,) or a one-hot (N, output_size) array of
        the net's dtype, the other None; for ``train_step_checked``."""
        x = self.check_inputs(x)
        labels, onehot = self._targets(t, x.shape[0])
        return x, labels, onehot

    # ------------------------------------------------------------------
    # the reference API, checked

    def predict(self, x: ArrayLike) -> FloatArray:
        """Logits (N, output_size), before the softmax."""
        x = self.check_inputs(x)
        params = self.param_list()
        if self.backend == "numpy":
            return super().predict(x)
        L = len(params) // 2
        for i in range(L):
            act = self.activation if i < L - 1 else "identity"
            x = ops.affine(x, params[2 * i], params[2 * i + 1], act, slope=LEAKY_SLOPE)
        return x

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Mean cross-entropy of the batch plus ``lambda/2 * sum ||W||^2``."""
        x, labels, onehot = self.check_data(x, t)
        target = labels if labels is not None else onehot
        assert target is not None
        if self.backend == "numpy":
            return float(super().loss(x, target))
        data_loss = ops.softmax_cross_entropy(self.predict(x), target)[0]
        return data_loss + self._weight_decay_loss()

    def accuracy(self, x: ArrayLike, t: ArrayLike) -> float:
        """Fraction of samples whose largest logit is the label."""
        x, labels, onehot = self.check_data(x, t)
        if labels is None:
            assert onehot is not None
            labels = np.argmax(onehot, axis=1)
        return float(np.mean(np.argmax(self.predict(x), axis=1) == labels))

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike,
                           h: float = 1e-5) -> dict[str, FloatArray]:
        """Gradient by central differences with step h, for checking
        ``gradient`` (slow: two forward passes per parameter; use float64)."""
        x, labels, onehot = self.check_data(x, t)
        self.param_list()
        target = labels if labels is not None else onehot
        assert target is not None
        return super().numerical_gradient(x, target, h)

    def gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, FloatArray]:
        """Gradient of ``loss(x, t)`` by backpropagation: a dict like params."""
        x, labels, onehot = self.check_data(x, t)
        if self.backend == "numpy":
            self.param_list()
            target = labels if labels is not None else onehot
            assert target is not None
            return super().gradient(x, target)
        self._fused_step(x, labels, onehot, None)
        assert self._grads is not None
        return {k: g.copy() for k, g in self._grads.items()}

    def train_step(self, x: ArrayLike, t: ArrayLike,
                   optimizer: _ref_optim.Optimizer) -> float:
        """One optimizer step on the batch (x, t); returns the loss (with
        weight decay) before the update.

        On the native backend this is a single C call with the GIL released
        and no allocation once the batch size is known (the workspace is
        reallocated only when the batch size changes).  Optimizers other than
        those of fastinit.optim / fastinit.reference.optim fall back to
        ``gradient`` + ``optimizer.update``."""
        if self._fused is not None and type(optimizer) in _optim.SGD_TYPES:
            assert isinstance(optimizer, _ref_optim.SGD)
            loss = self._fused.sgd_step(x, t, self.params, self._keys, optimizer.lr,
                                        self.weight_decay_lambda)
            if loss is not None:
                return loss
        x, labels, onehot = self.check_data(x, t)
        return self.train_step_checked(x, labels, onehot, optimizer)

    def train_step_checked(self, x: FloatArray, labels: NDArray[np.int64] | None,
                           onehot: FloatArray | None, optimizer: _ref_optim.Optimizer,
                           rows: NDArray[np.int64] | None = None) -> float:
        """train_step on data from ``check_data`` (fastinit.train checks the
        data once, then steps on rows of it); with rows (int64 indices, in range), on those rows of x and the
        targets: the native step gathers them itself, in parallel."""
        if (self._fused is not None and labels is not None
                and type(optimizer) in _optim.SGD_TYPES):
            assert isinstance(optimizer, _ref_optim.SGD)
            loss = self._fused.sgd_step(x, labels, self.params, self._keys, optimizer.lr,
                                        self.weight_decay_lambda, rows, labels_checked=True)
            if loss is not None:
                return loss
        if self.backend == "numpy":
            if rows is not None:
                if len(rows) and (rows.min() < 0 or rows.max() >= len(x)):
                    raise IndexError(f"rows out of range: they must lie in [0, {len(x)}), got "
                                     f"values in [{rows.min()}, {rows.max()}]")
                x = np.take(x, rows, axis=0)
                labels = None if labels is None else np.take(labels, rows, axis=0)
                onehot = None if onehot is None else np.take(onehot, rows, axis=0)
            self.param_list()
            target = labels if labels is not None else onehot
            assert target is not None
            loss, grads = self._backprop(x, target)
            _optim.reference_update(optimizer, self.params, grads)
            return float(loss)
        return self._fused_step(x, labels, onehot, optimizer, rows)

    def _fused_step(self, x: FloatArray, labels: NDArray[np.int64] | None,
                    onehot: FloatArray | None, optimizer: _ref_optim.Optimizer | None,
                    rows: NDArray[np.int64] | None = None) -> float:
        params = self.param_list()
        if self._fused is None:
            self._fused = _core.FusedMLP(self.sizes, ops.ACTIVATIONS[self.activation],
                                        LEAKY_SLOPE, 0.0, self.dtype)
            self._grads = {k: np.zeros_like(p) for k, p in zip(self._keys, params)}
        assert self._grads is not None
        self._fused.weight_decay = self.weight_decay_lambda
        grads = [self._grads[k] for k in self._keys]
        hyper: _optim.Hyper
        state1: _optim.State
        state2: _optim.State
        hyper, state1, state2 = (0, 0.0, 0.0, 0.0, 0.0, 0.0), None, None
        if optimizer is not None:
            args = _optim.kernel_args(optimizer, self.params)
            if args is None:  # a user's optimizer: gradients here, update there
                loss = self._fused_step(x, labels, onehot, None, rows)
                optimizer.update(self.params, {k: g.copy() for k, g in self._grads.items()})
                return loss
            hyper, state1, state2 = args
        s1 = None if state1 is None else [state1[k] for k in self._keys]
        s2 = None if state2 is None else [state2[k] for k in self._keys]
        bound = (params, grads, s1, s2)
        if not self._same_binding(bound):
            for group, what in ((s1, "optimizer state"), (s2, "optimizer state")):
                for key, a, p in zip(self._keys, group or (), params):
                    _optim.check_like(a, p, key, what)
            self._fused.bind(params, grads, s1, s2)
            self._bound = bound
        return self._fused.step(x, labels, onehot, s1 is not None, *hyper, rows=rows)

    def _same_binding(self, bound: _Binding) -> bool:
        old = self._bound
        if len(old) != 4:
            return False
        for new_group, old_group in zip(bound, old):
            if new_group is None or old_group is None:
                if new_group is not old_group:
                    return False
            elif not all(map(operator.is_, new_group, old_group)):
                return False
        return True


def check_net(net: object, name: str = "net") -> MultiLayerNet:
    """`net` must be a fastinit.MultiLayerNet (either backend): TypeError otherwise."""
    if not isinstance(net, MultiLayerNet):
        raise TypeError(f"{name} must be a fastinit.MultiLayerNet, got {type(net).__name__}")
    return net
