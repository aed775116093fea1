"""A fully connected network in plain NumPy, in the style of
deep-learning-from-scratch (common/multi_layer_net.py):

    x -> [Affine -> activation] * len(hidden_size_list) -> Affine -> SoftmaxWithLoss

``fastinit.MultiLayerNet`` extends it with argument checking, every
initializer of ``fastinit.init`` and the compiled backend."""
from __future__ import annotations

from collections import OrderedDict
from types import ModuleType
from typing import Any, Callable, Iterable, Literal, cast

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from . import layers as _layers
from .functional import FloatArray
from .optim import Optimizer

__all__ = ["MultiLayerNet", "numerical_gradient"]

#: A hidden layer's activation.
Activation = Literal["relu", "leaky_relu", "sigmoid", "tanh"]

ACTIVATION_LAYERS: dict[Activation, str] = {"relu": "Relu", "leaky_relu": "LeakyRelu",
                                            "sigmoid": "Sigmoid", "tanh": "Tanh"}


def numerical_gradient(f: Callable[[], float], x: FloatArray, h: float = 1e-5) -> FloatArray:
    """Central differences ``(f(x + h e_i) - f(x - h e_i)) / 2h`` for every
    element of the array x, which is perturbed in place and restored."""
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        tmp = flat[i]
        flat[i] = tmp + h
        fxh1 = f()
        flat[i] = tmp - h
        fxh2 = f()
        gflat[i] = (fxh1 - fxh2) / (2 * h)
        flat[i] = tmp
    return grad


class MultiLayerNet:
    """Fully connected network with softmax cross-entropy and L2 weight decay.

    weight_init_std: "relu"/"he" (std sqrt(2/fan_in)), "sigmoid"/"xavier"
    (std sqrt(1/fan_in)) or a number (the std itself); biases start at 0."""

    layer_module: ModuleType = _layers

    def __init__(self, input_size: int, hidden_size_list: Iterable[int], output_size: int,
                 activation: Activation = "relu", weight_init_std: str | float = "relu",
                 weight_decay_lambda: float = 0.0, dtype: DTypeLike = np.float32,
                 seed: int | None = None) -> None:
        self.input_size = input_size
        self.hidden_size_list = list(hidden_size_list)
        self.output_size = output_size
        self.hidden_layer_num = len(self.hidden_size_list)
        self.activation = activation
        self.weight_decay_lambda = weight_decay_lambda
        self.dtype = np.dtype(dtype)
        self.params: dict[str, FloatArray] = {}
        self._init_weight(weight_init_std, seed)
        self._build_layers()

    @property
    def sizes(self) -> list[int]:
        return [self.input_size] + self.hidden_size_list + [self.output_size]

    def _init_weight(self, weight_init_std: str | float, seed: int | None) -> None:
        rng = np.random.default_rng(seed)
        sizes = self.sizes
        for idx in range(1, len(sizes)):
            scale = weight_init_std
            if str(weight_init_std).lower() in ("relu", "he"):
                scale = np.sqrt(2.0 / sizes[idx - 1])
            elif str(weight_init_std).lower() in ("sigmoid", "xavier"):
                scale = np.sqrt(1.0 / sizes[idx - 1])
            # a number by now (another name fails here, as in the book)
            W = cast(float, scale) * rng.standard_normal((sizes[idx - 1], sizes[idx]))
            self.params["W" + str(idx)] = W.astype(self.dtype)
            self.params["b" + str(idx)] = np.zeros(sizes[idx], dtype=self.dtype)

    def _build_layers(self) -> None:
        mod = self.layer_module
        self.layers: OrderedDict[str, _layers.Layer] = OrderedDict()
        for idx in range(1, self.hidden_layer_num + 2):
            self.layers["Affine" + str(idx)] = mod.Affine(self.params["W" + str(idx)],
                                                          self.params["b" + str(idx)])
            if idx <= self.hidden_layer_num:
                act = getattr(mod, ACTIVATION_LAYERS[self.activation])
                self.layers["Activation_function" + str(idx)] = act()
        self.last_layer: _layers.SoftmaxWithLoss = mod.SoftmaxWithLoss()

    def predict(self, x: FloatArray) -> FloatArray:
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x: FloatArray, t: ArrayLike) -> float:
        """Mean cross-entropy plus ``lambda/2 * sum ||W||^2``."""
        y = self.predict(x)
        return self.last_layer.forward(y, t) + self._weight_decay_loss()

    def _weight_decay_loss(self) -> float:
        weight_decay = 0.0
        for idx in range(1, self.hidden_layer_num + 2):
            W = self.params["W" + str(idx)]
            weight_decay += 0.5 * self.weight_decay_lambda * float(np.sum(W ** 2))
        return weight_decay

    def accuracy(self, x: FloatArray, t: NDArray[Any]) -> float:
        y = np.argmax(self.predict(x), axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return float(np.mean(y == t))

    def numerical_gradient(self, x: FloatArray, t: ArrayLike,
                           h: float = 1e-5) -> dict[str, FloatArray]:
        """Gradient by central differences (slow; use float64)."""
        return {key: numerical_gradient(lambda: self.loss(x, t), val, h)
                for key, val in self.params.items()}

    def gradient(self, x: FloatArray, t: ArrayLike) -> dict[str, FloatArray]:
        """Gradient of ``loss(x, t)`` by backpropagation."""
        return self._backprop(x, t)[1]

    def _backprop(self, x: FloatArray, t: ArrayLike) -> tuple[float, dict[str, FloatArray]]:
        loss = self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        grads: dict[str, FloatArray] = {}
        for idx in range(1, self.hidden_layer_num + 2):
            affine = cast(_layers.Affine, self.layers["Affine" + str(idx)])
            assert affine.dW is not None and affine.db is not None
            grads["W" + str(idx)] = affine.dW + self.weight_decay_lambda * affine.W
            grads["b" + str(idx)] = affine.db
        return loss, grads

    def train_step(self, x: FloatArray, t: ArrayLike, optimizer: Optimizer) -> float:
        """One step of gradient descent; returns the loss before the update."""
        loss, grads = self._backprop(x, t)
        optimizer.update(self.params, grads)
        return loss
