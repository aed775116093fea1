"""The book's claims as checks on the experiments' results: each states
what the book says, the number measured here and whether it held."""
from __future__ import annotations

from typing import Any, Mapping, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .histograms import find_run


class Claim(NamedTuple):
    """One claim: ``key`` (short id), ``statement`` (what the
book says, with the threshold checked), ``measured`` (the number in words),
``value`` (the number) and ``held`` (bool)."""
    key: str
    statement: str
    measured: str
    value: float
    held: bool


# Thresholds, chosen with the book's numbers in mind and a wide margin from
# what a typical seed measures (in parentheses).
SATURATED_MIN = 0.5          # sigmoid std=1: fraction below 0.1 or above 0.9 (~0.75)
COLLAPSED_STD_MAX = 0.03     # sigmoid std=0.01: per-layer std (~0.012-0.025)
SPREAD_STD_MIN = 0.06        # sigmoid Xavier: per-layer std (~0.11-0.21)
HE_KEPT_RATIO_MIN = 0.5      # ReLU He: std of the last layer / the first (~1.0)
XAVIER_RELU_RATIO_MAX = 0.5  # ReLU Xavier: std of the last layer / the first (~0.25)
VANISHED_STD_MAX = 1e-3      # ReLU std=0.01: std of the last layer (~1e-6)
NOT_LEARNING_LOSS_MIN = 2.2  # std=0.01: mean loss of the last 100 iterations (the book: 2.30)
LEARNING_LOSS_MAX = 0.5      # Xavier and He: the same (the book: 0.27 and 0.17)
STD10_SATURATED_MIN = 0.9    # sigmoid/tanh std=10: fraction near a limit (~0.975 / ~0.988)
TANH_SPREAD_STD_MIN = 0.2    # tanh Xavier: per-layer std (~0.32-0.63)


def _stds(run: Mapping[str, Any]) -> NDArray[np.float64]:
    return np.array([layer["std"] for layer in run["layers"]])


def _histogram_claims(result: Mapping[str, Any]) -> list[Claim]:
    def run(activation: str, init: str) -> dict[str, Any] | None:
        try:
            return find_run(result, activation, init)
        except KeyError:
            return None

    claims: list[Claim] = []
    r = run("sigmoid", "std=1")
    if r is not None:
        sat = min(layer["near_limits"] for layer in r["layers"])
        claims.append(Claim(
            "sigmoid_std1_saturates",
            f"sigmoid, std=1: in every layer most activations (> {SATURATED_MIN:.0%}) lie below "
            "0.1 or above 0.9, where the gradient vanishes",
            f"least saturated layer: {sat:.1%}", sat, sat > SATURATED_MIN))
    r = run("sigmoid", "std=0.01")
    if r is not None:
        s = _stds(r)
        mean_off = max(abs(layer["mean"] - 0.5) for layer in r["layers"])
        claims.append(Claim(
            "sigmoid_std001_collapses",
            f"sigmoid, std=0.01: every layer's activations concentrate at 0.5 (std < "
            f"{COLLAPSED_STD_MAX}), so the units all say the same thing",
            f"largest layer std {s.max():.4f}, means within {mean_off:.4f} of 0.5",
            float(s.max()), bool(s.max() < COLLAPSED_STD_MAX and mean_off < 0.05)))
    r = run("sigmoid", "xavier")
    if r is not None:
        s = _stds(r)
        sat = max(layer["near_limits"] for layer in r["layers"])
        claims.append(Claim(
            "sigmoid_xavier_spread",
            f"sigmoid, Xavier: the spread is kept in all layers (every layer std > "
            f"{SPREAD_STD_MIN}, no layer mostly saturated)",
            f"smallest layer std {s.min():.3f}, most saturated layer {sat:.1%}",
            float(s.min()), bool(s.min() > SPREAD_STD_MIN and sat < 0.5)))
    r = run("relu", "he")
    if r is not None:
        s = _stds(r)
        claims.append(Claim(
            "relu_he_spread",
            f"ReLU, He: the spread is kept through all layers (last layer std >= "
            f"{HE_KEPT_RATIO_MIN} x the first)",
            f"std layer 1 {s[0]:.3f} -> layer {len(s)} {s[-1]:.3f} (x{s[-1] / s[0]:.2f})",
            float(s[-1] / s[0]), bool(s[-1] >= HE_KEPT_RATIO_MIN * s[0])))
    r = run("relu", "xavier")
    if r is not None:
        s = _stds(r)
        monotone = bool(np.all(np.diff(s) < 0))
        claims.append(Claim(
            "relu_xavier_shrinks",
            f"ReLU, Xavier: the spread shrinks layer by layer (std falls at every layer, last < "
            f"{XAVIER_RELU_RATIO_MAX} x the first)",
            "stds " + ", ".join(f"{v:.3f}" for v in s) + f" (x{s[-1] / s[0]:.2f})",
            float(s[-1] / s[0]), monotone and bool(s[-1] < XAVIER_RELU_RATIO_MAX * s[0])))
    r = run("relu", "std=0.01")
    if r is not None:
        s = _stds(r)
        claims.append(Claim(
            "relu_std001_vanishes",
            f"ReLU, std=0.01: the activations vanish by layer {len(s)} (std < {VANISHED_STD_MAX:g})",
            f"std layer 1 {s[0]:.3g} -> layer {len(s)} {s[-1]:.3g}",
            float(s[-1]), bool(s[-1] < VANISHED_STD_MAX)))
    for act, limits in (("sigmoid", "0 or 1"), ("tanh", "-1 or 1")):
        r = run(act, "std=10")
        if r is not None:
            sat = min(layer["near_limits"] for layer in r["layers"])
            claims.append(Claim(
                f"{act}_std10_saturates",
                f"{act}, std=10: in every layer nearly all activations "
                f"(> {STD10_SATURATED_MIN:.0%}) lie within 0.1 of {limits}: the net is saturated",
                f"least saturated layer: {sat:.1%}", sat, sat > STD10_SATURATED_MIN))
    for act in ("sigmoid", "tanh", "relu"):
        r = run(act, "std=0")
        if r is not None:
            s = _stds(r)
            claims.append(Claim(
                f"{act}_std0_identical",
                f"{act}, std=0: every unit of every layer outputs the same value for every "
                "input (each layer's std is exactly 0)",
                f"largest layer std {s.max():.3g}, layer means "
                + ", ".join(f"{layer['mean']:.3g}" for layer in r["layers"]),
                float(s.max()), bool(s.max() == 0.0)))
    xa, he = run("tanh", "xavier"), run("tanh", "he")
    if xa is not None and he is not None:
        s = _stds(xa)
        sat_x = np.array([layer["near_limits"] for layer in xa["layers"]])
        sat_h = np.array([layer["near_limits"] for layer in he["layers"]])
        claims.append(Claim(
            "tanh_xavier_spread",
            f"tanh, Xavier: every layer keeps its spread (std > {TANH_SPREAD_STD_MIN}) and "
            "saturates less than with He, layer by layer (He's wider histograms put more "
            "activations near -1 and 1, where the gradient vanishes)",
            f"Xavier smallest layer std {s.min():.3f}; near +-1 Xavier "
            + ", ".join(f"{v:.0%}" for v in sat_x) + " vs He "
            + ", ".join(f"{v:.0%}" for v in sat_h),
            float(s.min()), bool(s.min() > TANH_SPREAD_STD_MIN and np.all(sat_x <= sat_h)
                                 and sat_x.max() < 0.5)))
    return claims


def _comparison_claims(result: Mapping[str, Any]) -> list[Claim]:
    final = {run["init"]: float(np.mean(run["final_loss"])) for run in result["runs"]}
    cfg = result["config"]
    where = f"{cfg['data']}, {cfg['iterations']} iterations"
    claims: list[Claim] = []
    if "std=0.01" in final:
        v = final["std=0.01"]
        claims.append(Claim(
            "std001_does_not_learn",
            f"std=0.01 does not learn: mean loss of the last 100 iterations > "
            f"{NOT_LEARNING_LOSS_MIN} (the book: 2.30)",
            f"{v:.3f} ({where})", v, v > NOT_LEARNING_LOSS_MIN))
    if "he" in final and "xavier" in final:
        he, xa = final["he"], final["xavier"]
        claims.append(Claim(
            "he_beats_xavier",
            f"He ends below Xavier and both below {LEARNING_LOSS_MAX} (mean loss of the last "
            "100 iterations; the book: 0.17 and 0.27)",
            f"He {he:.3f}, Xavier {xa:.3f} ({where})", he,
            bool(he < xa < LEARNING_LOSS_MAX)))
    return claims


def _symmetry_claims(result: Mapping[str, Any]) -> list[Claim]:
    claims: list[Claim] = []
    h = result["config"]["hidden"]
    for run in result["runs"]:
        if run["init"] in ("zeros", "std=0"):
            claims.append(Claim(
                "zero_init_symmetric",
                f"all-zero weights: the {h} hidden units stay identical through training",
                f"{run['distinct']} distinct of {h} (largest difference "
                f"{run['max_difference']:.3g}) after {result['config']['iterations']} steps",
                run["distinct"], run["distinct"] == 1))
        else:
            claims.append(Claim(
                "random_init_breaks_symmetry",
                f"random weights ({run['init']}): all {h} hidden units become distinct",
                f"{run['distinct']} distinct of {h} (largest difference "
                f"{run['max_difference']:.3g}), training accuracy {run['accuracy']:.1%}",
                run["distinct"], run["distinct"] == h))
    return claims


def evaluate_claims(histograms: Mapping[str, Any] | None = None,
                    comparison: Mapping[str, Any] | None = None,
                    symmetry: Mapping[str, Any] | None = None) -> list[Claim]:
    """The book's claims that the given results can test, as a list of
    :class:`Claim` (a claim whose experiment or combination is missing is
    left out)."""
    claims: list[Claim] = []
    if histograms is not None:
        claims += _histogram_claims(histograms)
    if comparison is not None:
        claims += _comparison_claims(comparison)
    if symmetry is not None:
        claims += _symmetry_claims(symmetry)
    return claims
