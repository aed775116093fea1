"""Figures of the study (matplotlib, drawn off-screen with the Agg canvas,
so no display and no pyplot state are involved).

Each function takes the plain result of one experiment in
:mod:`fastinit.experiments`, writes a PNG and returns its path.
"""
import pathlib

import numpy as np

__all__ = ["histogram_grid", "loss_curves", "symmetry_figure", "smooth"]

_COLORS = {"std=1": "#d62728", "std=0.01": "#7f7f7f", "xavier": "#1f77b4", "he": "#2ca02c",
           "zeros": "#d62728"}
_DPI = 110


def _figure(width, height):
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError('plotting needs matplotlib: pip install "fastinit[plot]"') from None
    fig = Figure(figsize=(width, height), dpi=_DPI)
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path):
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=_DPI)
    return path


def _color(label, k):
    return _COLORS.get(label, f"C{k % 10}")


def smooth(y, window=31):
    """A Hann-weighted moving average of `y` (edges reflected), the same
    length as `y`; NaNs are ignored."""
    y = np.asarray(y, dtype=np.float64)
    window = int(min(window, len(y)))
    if window < 3:
        return y.copy()
    w = np.hanning(window + 2)[1:-1]
    half = window // 2
    pad = np.pad(y, (half, window - 1 - half), mode="reflect")
    ok = ~np.isnan(pad)
    num = np.convolve(np.where(ok, pad, 0.0), w, mode="valid")
    den = np.convolve(ok.astype(np.float64), w, mode="valid")
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def histogram_grid(result, activation, path):
    """One activation's histograms: a row per initializer, a column per
    layer (the seeds' figures, side by side)."""
    runs = [r for r in result["runs"] if r["activation"] == activation]
    if not runs:
        raise ValueError(f"no runs for activation {activation!r}")
    n_layers = len(runs[0]["layers"])
    fig = _figure(2.3 * n_layers + 0.8, 2.0 * len(runs) + 0.9)
    axes = fig.subplots(len(runs), n_layers, squeeze=False, sharex=True)
    cfg = result["config"]
    for i, run in enumerate(runs):
        edges = np.asarray(run["edges"])
        color = _color(run["init"], i)
        ymax = max(max(np.max(layer["counts"]), 1) for layer in run["layers"]) * 1.12
        for j, layer in enumerate(run["layers"]):
            ax = axes[i, j]
            ax.stairs(layer["counts"], edges, fill=True, color=color, alpha=0.85)
            ax.set_ylim(0, ymax)
            ax.set_xlim(edges[0], edges[-1])
            ax.tick_params(labelsize=7)
            if j > 0:
                ax.set_yticklabels([])
            notes = [f"std {layer['std']:.3g}"]
            if layer["near_limits"] is not None:
                notes.append(f"near limits {layer['near_limits']:.0%}")
            if activation in ("relu", "leaky_relu"):
                notes.append(f"zero {layer['zero']:.0%}")
            if layer["above"] + layer["below"] > 0.005:
                notes.append(f"off-range {layer['above'] + layer['below']:.0%}")
            ax.text(0.97, 0.95, "\n".join(notes), transform=ax.transAxes, ha="right",
                    va="top", fontsize=7, color="#333333",
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.7})
            if i == 0:
                ax.set_title(f"layer {layer['layer']}", fontsize=10)
            if i == len(runs) - 1:
                ax.set_xlabel("activation", fontsize=8)
        axes[i, 0].set_ylabel(f"W: {run['init']}\ncount", fontsize=9)
    excluded = " (exact zeros not shown)" if activation in ("relu", "leaky_relu") else ""
    fig.suptitle(f"{activation} activations per layer{excluded}: {cfg['samples']} Gaussian "
                 f"inputs, {cfg['layers']} layers x {cfg['nodes']} nodes, no bias",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    return _save(fig, path)


def loss_curves(result, path, *, window=31):
    """Training loss per iteration and initializer: the raw loss faint, a
    smoothed line bold, the band across seeds when there are several (the
    seeds' Figure 6-15)."""
    cfg = result["config"]
    fig = _figure(8, 5)
    ax = fig.subplots()
    top = 0.0
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
        final = np.mean(run["final_loss"])
        ax.plot(it, smooth(mean, window), color=color, linewidth=2,
                label=f"{run['init']} (last 100: {final:.3f})")
        top = max(top, float(np.nanmax(smooth(mean, window))))
    ax.set_xlabel("iteration")
    ax.set_ylabel("training loss (cross-entropy)")
    ax.set_ylim(0, max(2.5, top * 1.05))
    ax.set_xlim(0, cfg["iterations"])
    ax.grid(alpha=0.3)
    ax.legend(title="weight init", loc="upper right")
    seeds = cfg["seeds"]
    ax.set_title(f"{cfg['data']}: {cfg['activation']} net {cfg['hidden']}, "
                 f"{cfg['optimizer']} lr {cfg['lr']}, batch {cfg['batch_size']}, "
                 f"{len(seeds)} seed{'s' if len(seeds) > 1 else ''}", fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def symmetry_figure(result, path):
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
        ax.legend(fontsize=7, loc="best")
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
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return _save(fig, path)
