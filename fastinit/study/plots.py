"""Figures of the study (matplotlib, drawn off-screen with the Agg canvas,
so no display and no pyplot state are involved).

Each function takes the plain result of one experiment in
:mod:`fastinit.experiments`, writes a PNG and returns its path.
"""
from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .report import mean_spread

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .datasets import StrPath

__all__ = ["histogram_grid", "loss_curves", "symmetry_figure", "smooth", "require_matplotlib"]

_COLORS = {"std=1": "#d62728", "std=0.01": "#7f7f7f", "xavier": "#1f77b4", "he": "#2ca02c",
           "zeros": "#d62728"}
_DPI = 110


def require_matplotlib() -> None:
    """Raise ImportError saying what to install when matplotlib is missing."""
    try:
        # imported once here, before any worker forks, so no worker imports it again
        from matplotlib.backends import backend_agg  # noqa: F401
        from matplotlib import figure  # noqa: F401
    except ImportError:
        raise ImportError('plotting needs matplotlib: pip install "fastinit[plot]"') from None


def warm_up() -> None:
    """Load the font and its glyph cache by drawing a little text, so that
    the figures (and forked workers drawing them) start warm."""
    fig = _figure(1, 1)
    fig.text(0.5, 0.5, "0123456789 layer std zero near limits W: he", fontsize=7)
    fig.canvas.draw()


def _figure(width: float, height: float) -> Figure:
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height), dpi=_DPI)
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Figure, path: StrPath) -> pathlib.Path:
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # zlib level 1: a third of level 6's time for files about 15% larger
    fig.savefig(path, dpi=_DPI, pil_kwargs={"compress_level": 1})
    return path


def _color(label: str, k: int) -> str:
    return _COLORS.get(label, f"C{k % 10}")


def smooth(y: ArrayLike, window: int = 31) -> NDArray[np.float64]:
    """A Hann-weighted moving average of `y` (edges reflected), the same
    length as `y`; NaNs are ignored."""
    y = np.asarray(y, dtype=np.float64)
    window = int(min(window, len(y)))
    if window < 3:
        same: NDArray[np.float64] = y.copy()
        return same
    w = np.hanning(window + 2)[1:-1]
    half = window // 2
    pad = np.pad(y, (half, window - 1 - half), mode="reflect")
    ok = ~np.isnan(pad)
    num = np.convolve(np.where(ok, pad, 0.0), w, mode="valid")
    den = np.convolve(ok.astype(np.float64), w, mode="valid")
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio: NDArray[np.float64] = num / den
        return ratio


def _panel_notes(layer: Mapping[str, Any], activation: str, own_axis: bool) -> str:
    """The numbers written under a panel: its x range when panels differ,
    the std, and the fractions near the limits, exactly zero or beyond the
    drawn range."""
    notes = [f"std {layer['std']:.3g}"]
    if layer["near_limits"] is not None:
        notes.append(f"near limits {layer['near_limits']:.0%}")
    if activation in ("relu", "leaky_relu"):
        notes.append(f"zero {layer['zero']:.0%}")
    beyond = layer["above"] + layer["below"]
    if beyond > 0.005:
        notes.append(f"beyond axis {beyond:.0%}")
    text = ", ".join(notes)
    if own_axis:
        text = f"x {layer['edges'][0]:g} to {layer['edges'][-1]:g}\n" + text
    return text


def histogram_grid(result: Mapping[str, Any], activation: str, path: StrPath) -> pathlib.Path:
    """One activation's histograms: a row per initializer, a column per
    layer (the study's figures, side by side).

    Drawn on one axes in panel coordinates, with fixed margins: a grid of
    20 real subplots spent most of its time laying out ticks.  Each panel's
    numbers (std, the fraction near the limits or exactly zero, the share
    beyond the plotted range, and for ReLU the panel's own x range) are
    written under it, never over the bars."""
    from matplotlib.collections import LineCollection

    runs = [r for r in result["runs"] if r["activation"] == activation]
    if not runs:
        raise ValueError(f"no runs for activation {activation!r}")
    n_rows, n_cols = len(runs), len(runs[0]["layers"])
    own_axis = len({(float(layer["edges"][0]), float(layer["edges"][-1]))
                    for r in runs for layer in r["layers"]}) > 1
    cfg = result["config"]
    fig = _figure(2.3 * n_cols + 0.8, 2.1 * n_rows + 1.0)
    ax = fig.add_axes((0.06, 0.07, 0.93, 0.84))
    ax.set_axis_off()
    # panel (i, j) spans x in [j*pitch, j*pitch + 1], y in [-(i*vpitch) - 1, -(i*vpitch)]
    pitch, vpitch = 1.12, 1.45
    ax.set_xlim(-0.02, (n_cols - 1) * pitch + 1.02)
    ax.set_ylim(-(n_rows - 1) * vpitch - 1.32, 0.12)
    frames: list[list[tuple[float, float]]] = []
    for i, run in enumerate(runs):
        ymax = max(max(np.max(layer["counts"]), 1) for layer in run["layers"]) * 1.1
        top = -i * vpitch
        color = _color(run["init"], i)
        for j, layer in enumerate(run["layers"]):
            edges = np.asarray(layer["edges"], dtype=np.float64)
            x = (edges - edges[0]) / (edges[-1] - edges[0])
            left = j * pitch
            counts = np.asarray(layer["counts"], dtype=np.float64) / ymax
            ax.stairs(counts + top - 1, left + x, baseline=top - 1, fill=True, color=color,
                      alpha=0.85, linewidth=0)
            frames.append([(left, top), (left, top - 1), (left + 1, top - 1), (left + 1, top),
                           (left, top)])
            ax.text(left + 0.5, top - 1.04, _panel_notes(layer, activation, own_axis),
                    ha="center", va="top", fontsize=6.5, color="#333333")
            if i == 0:
                ax.text(left + 0.5, 0.04, f"layer {layer['layer']}", ha="center",
                        va="bottom", fontsize=10)
            if i == n_rows - 1 and not own_axis:
                for frac, value in ((0.0, edges[0]), (0.5, (edges[0] + edges[-1]) / 2),
                                    (1.0, edges[-1])):
                    ax.text(left + frac, top - 1.17, f"{value:g}", ha="center", va="top",
                            fontsize=7)
        ax.text(-0.05, top - 0.5, f"W: {run['init']}\n(peak {int(ymax / 1.1)})", ha="right",
                va="center", fontsize=9, rotation=90)
    ax.add_collection(LineCollection(frames, colors="#888888", linewidths=0.6))
    excluded = "; exact zeros counted, not drawn" if activation in ("relu", "leaky_relu") else ""
    axis = "; each panel's x range under it" if own_axis else ""
    fig.suptitle(f"{activation} activations per layer: {cfg['samples']} Gaussian inputs, "
                 f"{cfg['layers']} layers x {cfg['nodes']} nodes, no bias\n"
                 f"each row scaled to its tallest bar{excluded}{axis}", fontsize=10, y=0.99)
    return _save(fig, path)


def _run_label(run: Mapping[str, Any], cfg: Mapping[str, Any]) -> str:
    mixed = not isinstance(cfg["activation"], str)
    init: str = run["init"]
    return init + (f" + {run['activation']}" if mixed else "")


def loss_curves(result: Mapping[str, Any], path: StrPath, *, window: int = 31) -> pathlib.Path:
    """Left: training loss per iteration and initializer, the raw loss
    faint, a smoothed line bold, the band across seeds when there are
    several (the study's Figure 6-15).  Right: the accuracy measured during
    training (held-out, or train without held-out data)."""
    cfg = result["config"]
    fig = _figure(12, 5)
    ax, acc_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": (3, 2)})
    top = 0.0
    tail = min(100, cfg["iterations"])
    for k, run in enumerate(result["runs"]):
        color = _color(run["init"], k)
        loss = np.asarray(run["loss"])
        it = np.arange(1, loss.shape[1] + 1)
        mean = np.asarray(run["loss_mean"])
        ax.plot(it, mean, color=color, alpha=0.22, linewidth=0.7)
        if loss.shape[0] > 1:
            spread = np.asarray(run["loss_std"])
            ax.fill_between(it, smooth(mean - spread, window), smooth(mean + spread, window),
                            color=color, alpha=0.15, linewidth=0)
        ax.plot(it, smooth(mean, window), color=color, linewidth=2,
                label=f"{_run_label(run, cfg)} (last {tail}: {mean_spread(run['final_loss'])})")
        top = max(top, float(np.nanmax(smooth(mean, window))))
        evals = np.asarray(run["eval_iterations"])
        acc = np.asarray(run["accuracy_curve_mean"])
        acc_ax.plot(evals, acc, color=color, linewidth=2, marker="o", markersize=3,
                    label=_run_label(run, cfg))
        if loss.shape[0] > 1:
            sd = np.asarray(run["accuracy_curve_std"])
            acc_ax.fill_between(evals, acc - sd, acc + sd, color=color, alpha=0.15, linewidth=0)
    ax.set_xlabel("iteration")
    ax.set_ylabel("training loss (cross-entropy)")
    ax.set_ylim(0, max(2.5, top * 1.05))
    ax.set_xlim(0, cfg["iterations"])
    ax.grid(alpha=0.3)
    seeds = cfg["seeds"]
    ax.legend(title="weight init" + (f" (mean \u00b1 std over {len(seeds)} seeds)"
                                     if len(seeds) > 1 else ""), loc="upper right")
    activation = cfg["activation"] if isinstance(cfg["activation"], str) else "per-init"
    ax.set_title(f"{cfg['data']}: {activation} net {cfg['hidden']}, "
                 f"{cfg['optimizer']} lr {cfg['lr']}, batch {cfg['batch_size']}, "
                 f"{len(seeds)} seed{'s' if len(seeds) > 1 else ''}", fontsize=10)
    acc_ax.set_xlabel("iteration")
    acc_ax.set_ylabel(f"{cfg.get('accuracy_on', 'held-out')} accuracy")
    acc_ax.set_ylim(0, 1)
    acc_ax.set_xlim(0, cfg["iterations"])
    acc_ax.grid(alpha=0.3)
    acc_ax.legend(loc="lower right", fontsize=8)
    acc_ax.set_title("accuracy during training", fontsize=10)
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.1, top=0.93, wspace=0.18)
    return _save(fig, path)


def symmetry_figure(result: Mapping[str, Any], path: StrPath) -> pathlib.Path:
    """Every hidden unit's incoming weights and bias during training, per
    init (unit 1 solid, the others dashed on top): with zero init the lines
    of all units coincide, with random init they part.  Last panel: loss."""
    runs = result["runs"]
    cfg = result["config"]
    fig = _figure(4.3 * len(runs) + 4.3, 4.3)
    axes = fig.subplots(1, len(runs) + 1, squeeze=False)[0]
    for ax, run in zip(axes, runs):
        traj = np.asarray(run["trajectory"])  # steps x units x (inputs + bias)
        steps = np.arange(traj.shape[0])
        n_in = traj.shape[2] - 1
        names = [f"w from input {k + 1}" for k in range(min(n_in, 3))] + ["bias"]
        columns = list(range(min(n_in, 3))) + [n_in]
        for c, (col, name) in enumerate(zip(columns, names)):
            for u in range(traj.shape[1]):
                ax.plot(steps, traj[:, u, col], color=f"C{c}",
                        linestyle="-" if u == 0 else (0, (3, 2 + u)),
                        linewidth=3 if u == 0 else 1.4, alpha=0.6 if u == 0 else 1.0,
                        label=name if u == 0 else None)
        ax.plot([], [], color="k", linewidth=3, alpha=0.6, label="unit 1")
        ax.plot([], [], color="k", linewidth=1.4, linestyle=(0, (3, 3)), label="other units")
        ax.set_xlabel("iteration")
        ax.set_ylabel("hidden-unit parameter")
        ax.set_title(f"W init {run['init']}: {run['distinct']} distinct of {cfg['hidden']} "
                     f"units\ntrain accuracy {run['accuracy']:.0%}", fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower left")  # "best" searches every point: slow
    ax = axes[-1]
    for k, run in enumerate(runs):
        ax.plot(np.arange(1, len(run["loss"]) + 1), run["loss"], color=_color(run["init"], k),
                linewidth=1.5, label=f"W init {run['init']}")
    ax.set_xlabel("iteration")
    ax.set_ylabel("training loss")
    ax.set_title("loss", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.suptitle(f"Symmetry: {cfg['hidden']} {cfg['activation']} hidden units, full-batch SGD "
                 f"lr {cfg['lr']}, {cfg['iterations']} steps on {cfg['data']}", fontsize=11)
    fig.subplots_adjust(left=0.05, right=0.99, bottom=0.12, top=0.8, wspace=0.25)
    return _save(fig, path)
