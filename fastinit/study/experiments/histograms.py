"""Activation histograms of a deep net fed Gaussian input (the book's
Figures 6-10 to 6-14): how the weight scale shapes every layer's output."""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence, Tuple, Union, cast

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from ._common import (Activation, Backend, InitSpec, Result, check_backend, check_dtype, init_label,
                      positive)

#: A count: a Python int or a NumPy integer (np.count_nonzero).
_Count = Union[int, np.integer[Any]]
#: ``(slots, (zeros, low_tail, high_tail, sum, sumsq))``, as ``fastinit.ops.histogram_slots``.
_Slots = Tuple[NDArray[np.int64], Tuple[_Count, _Count, _Count, float, float]]

#: Histogram range per activation: the output range of sigmoid and tanh.
#: ReLU's outputs are unbounded (1e-6 to 1e9 across the study's inits), so
#: each ReLU layer gets its own range, [0, a round number >= 3 x the
#: layer's RMS] (leaky ReLU: from -0.1 x that): every panel shows its data.
HIST_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, 1.0),
              "leaky_relu": (-0.1, 1.0)}
AUTO_RANGE = ("relu", "leaky_relu")
AUTO_RANGE_RMS = 3.0


def auto_range(flat: NDArray[Any], activation: str) -> tuple[float, float]:
    """The histogram range of one ReLU layer: [0, nice(3 x RMS)], where
    nice() rounds up to 1, 2 or 5 times a power of ten ([0, 1] when the
    layer is all zeros)."""
    v = flat.astype(np.float64)
    rms = float(np.sqrt(np.dot(v, v) / max(v.size, 1)))
    top = AUTO_RANGE_RMS * rms
    if not np.isfinite(top) or top <= 0:
        hi = 1.0
    else:
        power = 10.0 ** np.floor(np.log10(top))
        hi = next(m * power for m in (1, 2, 5, 10) if m * power >= top * (1 - 1e-12))
    return (HIST_RANGE[activation][0] * hi, float(hi))
#: Output limits of the saturating activations.
LIMITS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
#: "Near a limit" (saturated) means within this distance of an output limit: sigmoid below
#: 0.1 or above 0.9 (the book's reading of their histograms; the derivative
#: is under 36% of its peak there, and falls fast beyond), tanh below -0.9 or
#: above 0.9 (derivative under 19% of its peak).
SATURATION_MARGIN = 0.1


def _affine(backend: str) -> Callable[..., NDArray[Any]]:
    """``act(x @ W)`` on the chosen backend: the compiled, fused
    ``fastinit.ops.affine`` or its pure-NumPy twin."""
    if backend == "native":
        from ...ops import affine
        return affine
    # a name of its own: the two functions' signatures differ in their types
    from ...reference.functional import affine as numpy_affine
    return numpy_affine


def _slots_numpy(flat: NDArray[Any], hist_range: tuple[float, float], bins: int,
                 skip_zeros: bool, cuts: tuple[float, float]) -> _Slots:
    """The NumPy twin of ``fastinit.ops.histogram_slots``: np.histogram for
    the bins, plus the slots besides them (csrc/histogram/histogram.h)."""
    inside, _ = np.histogram(flat, bins=bins, range=hist_range)
    edges = np.histogram_bin_edges(np.empty(0, flat.dtype), bins=bins, range=hist_range)
    below = np.count_nonzero(flat < flat.dtype.type(edges[0]))
    above = np.count_nonzero(flat > flat.dtype.type(edges[-1]))
    zeros = np.count_nonzero(flat == 0)
    skipped = zeros if skip_zeros else 0
    if skipped:  # the zeros have their own slot: take them out of wherever they fell
        where = np.histogram(np.zeros(1, flat.dtype), bins=bins, range=hist_range)[0]
        inside -= skipped * where
        below -= skipped * (edges[0] > 0)
        above -= skipped * (edges[-1] < 0)
    counts: NDArray[np.int64] = np.concatenate(
        ([below], inside, cast(ArrayLike, [above, skipped, np.count_nonzero(np.isnan(flat))])))
    v = flat.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: NaN, as in C
        total, total_sq = float(v.sum()), float(np.dot(v, v))
    return counts, (zeros, np.count_nonzero(v < cuts[0]), np.count_nonzero(v > cuts[1]),
                    total, total_sq)


def _slots_native(flat: NDArray[Any], hist_range: tuple[float, float], bins: int,
                  skip_zeros: bool, cuts: tuple[float, float]) -> _Slots:
    from ...ops import histogram_slots
    return histogram_slots(flat, bins, hist_range, skip_zeros=skip_zeros, cuts=cuts)


def _statistics(activation: str, hist_range: tuple[float, float], bins: int,
                backend: str) -> Callable[[ArrayLike], dict[str, Any]]:
    """``layer_statistics`` with its arguments bound: the function of z
    the experiment calls once per layer, everything else worked out once."""
    skip_zeros = activation in ("relu", "leaky_relu")
    a, b = LIMITS.get(activation, (-np.inf, np.inf))
    cuts = (a + SATURATION_MARGIN, b - SATURATION_MARGIN)
    hist_range = (float(hist_range[0]), float(hist_range[1]))
    slots = _slots_native if backend == "native" else _slots_numpy
    limited = activation in LIMITS

    def statistics(z: ArrayLike) -> dict[str, Any]:
        flat = np.ascontiguousarray(z).reshape(-1)
        n = max(flat.size, 1)
        edges_range = auto_range(flat, activation) if activation in AUTO_RANGE else hist_range
        counts, (zeros, low_tail, high_tail, total, total_sq) = slots(flat, edges_range, bins,
                                                                      skip_zeros, cuts)
        mean = total / n
        return {"counts": counts[1:bins + 1], "mean": mean,
                "edges": np.linspace(*edges_range, bins + 1),
                "std": float(np.sqrt(max(total_sq / n - mean * mean, 0.0))),
                "zero": zeros / n, "below": counts[0] / n, "above": counts[bins + 1] / n,
                "near_limits": (low_tail + high_tail) / n if limited else None}
    return statistics


def layer_statistics(z: ArrayLike, activation: Activation, hist_range: tuple[float, float],
                     bins: int, backend: Backend = "native") -> dict[str, Any]:
    """Histogram counts and summary statistics of one layer's activations,
    in one pass over them (``backend="native"``, a compiled kernel) or with
    NumPy (``"numpy"``); both give the same counts, np.histogram's.

    Exact zeros of ReLU are counted in ``zero`` and left out of the
    histogram (half of a healthy ReLU layer is zero; plotted, that spike
    would hide the shape of the rest).  Values outside `hist_range` are
    counted in ``below``/``above``."""
    return _statistics(activation, hist_range, bins, backend)(z)


def activation_histograms(activations: Sequence[Activation] = ("sigmoid", "relu", "tanh"),
                          inits: Sequence[InitSpec] = ("std=1", "std=0.01", "xavier", "he"),
                          layers: int = 5, nodes: int = 100, samples: int = 1000, seed: int = 0,
                          backend: Backend = "native", *, bins: int = 30,
                          dtype: DTypeLike = np.float32) -> Result:
    """The book's activation-histogram experiment.

    ``samples`` Gaussian inputs of ``nodes`` features go through ``layers``
    bias-free layers of ``nodes`` units, for every activation and every
    initializer spec (anything :func:`fastinit.init.resolve` takes, e.g.
    ``"std=1"``, ``0.01``, ``"xavier"`` = std sqrt(1/n), ``"he"`` = std
    sqrt(2/n)).  Every combination sees the same input and the same
    underlying normal draws per layer, so the results differ only by the
    initializer.  The forward passes run on ``backend``: ``"native"``
    (``fastinit.ops``, fused matmul + activation) or ``"numpy"``
    (``fastinit.reference``).

    Returns a dict: ``config`` (the arguments) and ``runs``, one per
    (activation, init) with ``activation``, ``init`` and ``layers``: per
    layer ``edges`` (bins + 1 histogram edges: the output range of sigmoid
    and tanh, a range of the layer's own for ReLU), ``counts`` (int array),
    ``mean``, ``std``, ``near_limits`` (fraction within 0.1 of a
    sigmoid/tanh limit, where the gradient is small; None for ReLU), ``zero`` (fraction exactly 0), ``below`` and
    ``above`` (fractions outside the histogram range).
    """
    from ... import init as fi_init
    from ...random import Generator

    check_backend(backend)
    dtype = check_dtype(dtype)
    layers, nodes = positive(layers, "layers"), positive(nodes, "nodes")
    samples, bins = positive(samples, "samples"), positive(bins, "bins")
    for a in activations:
        if a not in HIST_RANGE:
            raise ValueError(f"unknown activation {a!r}; expected one of {sorted(HIST_RANGE)}")
    initializers = [(init_label(spec), fi_init.resolve(spec)) for spec in inits]
    affine = _affine(backend)

    x0 = Generator(seed).normal((samples, nodes), dtype=dtype)
    layer_seeds = [int(s) for s in np.random.SeedSequence(seed).generate_state(layers)]
    statistics = {a: _statistics(a, HIST_RANGE[a], bins, backend) for a in activations}
    # native: the layers write into two buffers in turn (no allocation, and
    # no page faults, per layer); the statistics keep no reference to them
    buffers: list[NDArray[Any] | None] = (
        [np.empty_like(x0), np.empty_like(x0)] if backend == "native" else [None, None])
    runs: list[dict[str, Any]] = []
    for label, make in initializers:
        weights = [make((nodes, nodes), dtype=dtype, seed=s) for s in layer_seeds]
        for activation in activations:
            per_layer: list[dict[str, Any]]
            z, per_layer = x0, []
            for i, W in enumerate(weights):
                z = affine(z, W, None, activation, buffers[i % 2])
                per_layer.append({"layer": i + 1, **statistics[activation](z)})
            runs.append({"activation": activation, "init": label, "layers": per_layer})
    order = {a: k for k, a in enumerate(activations)}
    runs.sort(key=lambda r: order[r["activation"]])  # grouped by activation, inits in order
    return {"experiment": "activation_histograms",
            "config": {"activations": list(activations), "inits": [l for l, _ in initializers],
                       "layers": layers, "nodes": nodes, "samples": samples, "seed": seed,
                       "backend": backend, "bins": bins, "dtype": dtype.name},
            "runs": runs}


def find_run(result: Mapping[str, Any], activation: str, init: str) -> dict[str, Any]:
    """The run of `result` for one (activation, init) pair."""
    run: dict[str, Any]
    for run in result["runs"]:
        if run["activation"] == activation and run["init"] == init:
            return run
    raise KeyError(f"no run for activation={activation!r}, init={init!r}")
