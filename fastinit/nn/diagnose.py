"""``diagnose``: is this initialization healthy?  The numbers behind the
the book's activation histograms, per layer, as a printable table."""
from __future__ import annotations

import dataclasses
from typing import Any, Iterator

import numpy as np
from numpy.typing import ArrayLike

from .. import ops
from .net import LEAKY_SLOPE, MultiLayerNet, check_net

__all__ = ["diagnose", "Diagnosis", "LayerStats"]

# An activation is "saturated" within this distance of a limit of sigmoid
# (0, 1) or tanh (-1, 1): its local gradient is then below ~1% of the peak.
SATURATION_MARGIN = 0.01


@dataclasses.dataclass
class LayerStats:
    """One layer's activations on the batch.

    mean, std : of the layer's outputs (after the activation; the last layer
        reports the logits).
    saturated : fraction of outputs within SATURATION_MARGIN of a limit
        (sigmoid, tanh); None for other activations.
    dead : fraction of outputs <= 0 (relu: zero; leaky_relu: on the small
        slope); None for other activations.
    dead_units : fraction of units that are dead on every sample of the batch.
    grad_norm : Frobenius norm of dLoss/dW (when diagnose got labels).
    """
    name: str
    shape: tuple[int, ...]
    mean: float
    std: float
    saturated: float | None = None
    dead: float | None = None
    dead_units: float | None = None
    grad_norm: float | None = None


class Diagnosis(list[LayerStats]):
    """A list of LayerStats; ``str()`` gives the table."""

    COLUMNS = ("layer", "units", "mean", "std", "saturated", "dead", "dead units", "|dW|")

    def rows(self) -> Iterator[tuple[str, ...]]:
        def pct(v: float | None) -> str:
            return "-" if v is None else f"{100 * v:.1f}%"
        for s in self:
            yield (s.name, str(s.shape[1]), f"{s.mean:.4g}", f"{s.std:.4g}", pct(s.saturated),
                   pct(s.dead), pct(s.dead_units),
                   "-" if s.grad_norm is None else f"{s.grad_norm:.4g}")

    def __str__(self) -> str:
        rows = [self.COLUMNS, *self.rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.COLUMNS))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # p: IPython's PrettyPrinter
        p.text(str(self))

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """{layer name: {stat: value}} for logging or a DataFrame."""
        return {s.name: dataclasses.asdict(s) for s in self}


def diagnose(net: MultiLayerNet, x: ArrayLike, t: ArrayLike | None = None) -> Diagnosis:
    """Per-layer activation statistics of ``net`` (a fastinit.MultiLayerNet)
    on the batch x, and with labels t the gradient norm of each W.

    Returns a Diagnosis (a list of LayerStats) that prints as a table:

    >>> print(fastinit.diagnose(net, x_batch, t_batch))     # doctest: +SKIP
    layer  units    mean    std  saturated   dead  dead units   |dW|
    ...
    """
    x = check_net(net).check_inputs(x)
    params = net.param_list()
    grads = net.gradient(x, t) if t is not None else None
    L = len(params) // 2
    h = x
    out = Diagnosis()
    for i in range(L):
        hidden = i < L - 1
        act = net.activation if hidden else "identity"
        h = ops.affine(h, params[2 * i], params[2 * i + 1], act, slope=LEAKY_SLOPE)
        stats = LayerStats(name=f"{act} {i + 1}" if hidden else f"logits {i + 1}",
                           shape=h.shape, mean=float(h.mean(dtype=np.float64)),
                           std=float(h.std(dtype=np.float64)))
        if hidden and act in ("sigmoid", "tanh"):
            low = 0.0 if act == "sigmoid" else -1.0
            sat = (h <= low + SATURATION_MARGIN) | (h >= 1.0 - SATURATION_MARGIN)
            stats.saturated = float(sat.mean())
            stats.dead_units = float(sat.all(axis=0).mean())
        elif hidden:
            dead = h <= 0
            stats.dead = float(dead.mean())
            stats.dead_units = float(dead.all(axis=0).mean())
        if grads is not None:
            stats.grad_norm = float(np.linalg.norm(grads[f"W{i + 1}"]))
        out.append(stats)
    return out
