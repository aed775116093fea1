"""Symmetry breaking: with all-zero weights every hidden unit of a layer
computes the same function and receives the same gradient, so training
never makes them differ; small random weights break the tie."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from ._common import (Activation, Backend, InitSpec, Result, check_backend, check_dtype, init_label,
                      positive)

if TYPE_CHECKING:
    from ...nn.net import MultiLayerNet


def xor_blobs(n: int = 200, noise: float = 0.35,
              seed: int | None = 0) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """A 2-D task no single hidden unit can solve: four Gaussian blobs at
    (+-1, +-1), class 1 where the coordinates share a sign (XOR)."""
    rng = np.random.default_rng(seed)
    centers = rng.choice([-1.0, 1.0], size=(n, 2))
    x = centers + noise * rng.standard_normal((n, 2))
    t = (centers[:, 0] * centers[:, 1] > 0).astype(np.int64)
    return x, t


def _units(net: MultiLayerNet) -> NDArray[Any]:
    """One row per first-layer hidden unit: its incoming weights and bias."""
    units: NDArray[Any] = np.vstack([net.params["W1"], net.params["b1"][None, :]]).T
    return units


def distinct_units(units: NDArray[Any], rtol: float = 1e-9) -> int:
    """How many rows of `units` differ from every earlier row by more than
    ``rtol * max(1, max |units|)`` (max-norm)."""
    tol = rtol * max(1.0, float(np.max(np.abs(units))) if units.size else 1.0)
    kept: list[NDArray[Any]] = []
    for u in units:
        if all(np.max(np.abs(u - k)) > tol for k in kept):
            kept.append(u)
    return len(kept)


def symmetry(hidden: int = 2, iterations: int = 2000, *,
             data: tuple[ArrayLike, ArrayLike] | None = None, activation: Activation = "sigmoid",
             inits: Sequence[InitSpec] = ("zeros", 0.01), lr: float = 1.0, seed: int = 0,
             backend: Backend = "native", dtype: DTypeLike = np.float64) -> Result:
    """Train a net with one hidden layer from each initializer and count
    how many of its ``hidden`` units remain distinct.

    data: ``(x, t)`` with int labels; default :func:`xor_blobs` (which
    needs at least two distinct hidden units).  Full-batch SGD with ``lr``
    for ``iterations`` steps.

    Returns a dict: ``config`` and ``runs``, one per init with ``init``,
    ``distinct`` (number of distinct hidden units after training),
    ``max_difference`` (largest max-norm difference between two units'
    weights), ``loss`` (per iteration), ``accuracy`` (on the training
    data) and ``trajectory`` (array iterations+1 x hidden x (inputs+1):
    every unit's weights and bias after every step).
    """
    from ...nn.net import MultiLayerNet
    from ...nn.optim import SGD

    check_backend(backend)
    dtype = check_dtype(dtype)
    hidden, iterations = positive(hidden, "hidden"), positive(iterations, "iterations")
    x, t = xor_blobs(seed=seed) if data is None else data
    x = np.ascontiguousarray(x, dtype=dtype)
    t = np.asarray(t)
    runs: list[dict[str, Any]] = []
    for spec in inits:
        net = MultiLayerNet(x.shape[1], [hidden], int(t.max()) + 1, activation=activation,
                            weight_init_std=spec, dtype=dtype, seed=seed, backend=backend)
        optimizer = SGD(lr=lr)
        trajectory = np.empty((iterations + 1, hidden, x.shape[1] + 1))
        trajectory[0] = _units(net)
        loss = np.empty(iterations)
        for i in range(iterations):
            loss[i] = net.train_step(x, t, optimizer)
            trajectory[i + 1] = _units(net)
        units = trajectory[-1]
        diffs = [np.max(np.abs(units[i] - units[j]))
                 for i in range(hidden) for j in range(i + 1, hidden)]
        runs.append({"init": init_label(spec),
                     "distinct": distinct_units(units),
                     "max_difference": float(max(diffs, default=0.0)),
                     "loss": loss, "accuracy": float(net.accuracy(x, t)),
                     "trajectory": trajectory})
    return {"experiment": "symmetry",
            "config": {"hidden": hidden, "iterations": iterations, "activation": activation,
                       "inits": [r["init"] for r in runs], "lr": lr, "seed": seed,
                       "backend": backend, "dtype": dtype.name,
                       "data": "xor_blobs" if data is None else "given", "n": len(x)},
            "runs": runs}
