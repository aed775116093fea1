"""The study's written outputs: ``results.json`` (every number), CSV tables
and ``report.md`` (the figures with each claim, its measured number and
whether it held)."""
from __future__ import annotations

import csv
import datetime
import json
import os
import pathlib
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    from .datasets import StrPath
    from .experiments.claims import Claim

__all__ = ["write_json", "write_csvs", "write_report", "to_plain", "mean_spread"]


def to_plain(obj: object) -> Any:
    """`obj` with NumPy arrays and scalars turned into lists and Python
    numbers, ready for ``json.dump``; NaN and infinities become None."""
    if isinstance(obj, dict):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_plain(obj.tolist())
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer, int)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        return float(obj) if np.isfinite(obj) else None
    return obj


def _without_trajectories(symmetry: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The symmetry result with each unit's final weights in place of the
    whole training trajectory."""
    if symmetry is None:
        return None
    runs = []
    for run in symmetry["runs"]:
        run = dict(run)
        traj = run.pop("trajectory")
        run["final_units"] = np.asarray(traj)[-1]
        runs.append(run)
    return {**symmetry, "runs": runs}


def write_json(path: StrPath, *, histograms: Mapping[str, Any] | None = None,
               comparison: Mapping[str, Any] | None = None,
               symmetry: Mapping[str, Any] | None = None, claims: Sequence[Claim] = (),
               meta: Mapping[str, Any] | None = None) -> pathlib.Path:
    """All results and claims in one JSON file."""
    doc = {"meta": meta or {}, "claims": [c._asdict() for c in claims],
           "activation_histograms": histograms, "init_comparison": comparison,
           "symmetry": _without_trajectories(symmetry)}
    path = pathlib.Path(path)
    path.write_text(json.dumps(to_plain(doc), indent=1) + "\n")
    return path


def _write_csv(path: pathlib.Path, header: Sequence[str],
               rows: Iterable[Sequence[object]]) -> pathlib.Path:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _fmt(v: object) -> object:
    return "" if v is None else (f"{v:.6g}" if isinstance(v, float) else v)


def write_csvs(out: StrPath, *, histograms: Mapping[str, Any] | None = None,
               comparison: Mapping[str, Any] | None = None,
               symmetry: Mapping[str, Any] | None = None,
               claims: Sequence[Claim] = ()) -> list[pathlib.Path]:
    """One CSV per table; returns the paths written."""
    out = pathlib.Path(out)
    paths: list[pathlib.Path] = []
    if histograms is not None:
        stats: list[tuple[object, ...]]
        counts: list[tuple[object, ...]]
        stats, counts = [], []
        for run in histograms["runs"]:
            for layer in run["layers"]:
                edges = layer["edges"]
                key = (run["activation"], run["init"], layer["layer"])
                stats.append(key + tuple(_fmt(layer[k]) for k in
                                         ("mean", "std", "near_limits", "zero", "below", "above")))
                counts += [key + (_fmt(float(edges[b])), _fmt(float(edges[b + 1])), int(c))
                           for b, c in enumerate(layer["counts"])]
        paths.append(_write_csv(out / "histogram_stats.csv",
                                ["activation", "init", "layer", "mean", "std", "near_limits",
                                 "zero", "below", "above"], stats))
        paths.append(_write_csv(out / "histogram_counts.csv",
                                ["activation", "init", "layer", "bin_low", "bin_high", "count"],
                                counts))
    if comparison is not None:
        seeds = comparison["config"]["seeds"]
        loss_rows: list[tuple[object, ...]]
        final_rows: list[tuple[object, ...]]
        loss_rows, final_rows = [], []
        for run in comparison["runs"]:
            for s, row in zip(seeds, np.asarray(run["loss"])):
                loss_rows += [(run["init"], s, i + 1, _fmt(float(v))) for i, v in enumerate(row)]
            final_rows += [(run["init"], s, _fmt(f), _fmt(a), _fmt(ta)) for s, f, a, ta in
                           zip(seeds, run["final_loss"], run["train_accuracy"],
                               run["test_accuracy"])]
        paths.append(_write_csv(out / "comparison_loss.csv",
                                ["init", "seed", "iteration", "loss"], loss_rows))
        acc_rows = [(run["init"], s, it, _fmt(float(a)))
                    for run in comparison["runs"]
                    for s, curve in zip(seeds, np.asarray(run.get("accuracy_curve", [])))
                    for it, a in zip(run["eval_iterations"], curve)]
        paths.append(_write_csv(out / "comparison_accuracy.csv",
                                ["init", "seed", "iteration",
                                 f"{comparison['config'].get('accuracy_on', 'held-out')}_accuracy"],
                                acc_rows))
        paths.append(_write_csv(out / "comparison_final.csv",
                                ["init", "seed", "final_loss_last100", "train_accuracy",
                                 "test_accuracy"], final_rows))
    if symmetry is not None:
        paths.append(_write_csv(
            out / "symmetry.csv",
            ["init", "hidden", "distinct", "max_difference", "final_loss", "train_accuracy"],
            [(r["init"], symmetry["config"]["hidden"], r["distinct"], _fmt(r["max_difference"]),
              _fmt(float(r["loss"][-1])), _fmt(r["accuracy"])) for r in symmetry["runs"]]))
    if claims:
        paths.append(_write_csv(out / "claims.csv",
                                ["claim", "held", "value", "measured", "statement"],
                                [(c.key, c.held, _fmt(float(c.value)), c.measured, c.statement)
                                 for c in claims]))
    return paths


def mean_spread(values: ArrayLike, fmt: str = ".3f") -> str:
    """``values`` (one per random seed) as "m", or "m +- s" (std over the
    seeds) for several: the terminal, the report and the legend say it so."""
    values = np.asarray(values, dtype=np.float64)
    if values.size > 1:
        return f"{values.mean():{fmt}} \u00b1 {values.std():{fmt}}"
    return f"{values.mean():{fmt}}"


def _mark(held: bool) -> str:
    return "held" if held else "**did not hold**"


def _claims_table(claims: Sequence[Claim]) -> list[str]:
    lines = ["| claim | measured | result |", "|---|---|---|"]
    lines += [f"| {c.statement} | {c.measured} | {_mark(c.held)} |" for c in claims]
    return lines


def write_report(out: StrPath, *, histograms: Mapping[str, Any] | None = None,
                 comparison: Mapping[str, Any] | None = None,
                 symmetry: Mapping[str, Any] | None = None, claims: Sequence[Claim] = (),
                 figures: Mapping[str, StrPath] | None = None,
                 meta: Mapping[str, Any] | None = None) -> pathlib.Path:
    """``report.md`` in `out`: setup, the claims with their numbers, and a
    section per experiment embedding its figures (paths relative to `out`)."""
    out = pathlib.Path(out)
    figures = figures or {}
    meta = meta or {}
    held = sum(c.held for c in claims)
    rel = {k: pathlib.Path(os.path.relpath(v, out)).as_posix() for k, v in figures.items()}
    lines = ["# Weight initialization: the study, reproduced", ""]
    lines += [f"{held} of {len(claims)} claims held." if claims else "No claims were tested.", ""]
    lines += ["## Setup", ""]
    if meta.get("data_note"):
        first, *rest = meta["data_note"].split("\n")
        lines += [f"- Data: {first}"] + [f"  - {line}" for line in rest]
    for key, label in (("backend", "Backend"), ("seed", "Seed"), ("build", "Build"),
                       ("seconds", "Seconds per phase")):
        if meta.get(key) is not None:
            value = meta[key]
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}"
                                  for k, v in value.items())
            lines += [f"- {label}: {value}"]
    command = meta.get("command") or "fastinit study"
    lines += [f"- Written {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC "
              f"by `{command}`; every number is also in `results.json` and the CSV files.",
              ""]
    if claims:
        lines += ["## Claims of the book and the course", "",
                  "The book: *Deep Learning from Scratch* (Koki Saitoh), chapter 6; the "
                  "course: Andrew Ng's deep learning course. Each claim as they state it, "
                  "with the threshold checked here and the number measured in this run.", ""]
        lines += _claims_table(claims) + [""]
    if histograms is not None:
        cfg = histograms["config"]
        lines += ["## Activation histograms", "",
                  f"{cfg['samples']} Gaussian inputs (mean 0, std 1) through {cfg['layers']} "
                  f"bias-free layers of {cfg['nodes']} units; every initializer uses the same "
                  "underlying normal draws, scaled. \"xavier\" is the book's std sqrt(1/n), "
                  "\"he\" std sqrt(2/n), with n = 100 inputs per unit.", ""]
        for act in cfg["activations"]:
            if act in rel:
                lines += [f"![{act} histograms]({rel[act]})", ""]
        lines += ["| activation | init | std per layer | near a limit (sigmoid, tanh) or "
                  "exactly zero (ReLU), per layer |",
                  "|---|---|---|---|"]
        for run in histograms["runs"]:
            stds = " ".join(f"{layer['std']:.3g}" for layer in run["layers"])
            key = "near_limits" if run["layers"][0]["near_limits"] is not None else "zero"
            frac = " ".join(f"{layer[key]:.0%}" for layer in run["layers"])
            lines += [f"| {run['activation']} | {run['init']} | {stds} | {frac} |"]
        lines += [""]
    if comparison is not None:
        cfg = comparison["config"]
        mixed = not isinstance(cfg["activation"], str)
        net = "nets with the activation of each row" if mixed else f"{cfg['activation']} net"
        n_seeds = len(cfg["seeds"])
        spread = f" (mean \u00b1 std over {n_seeds} random seeds)" if n_seeds > 1 else ""
        tail = min(100, cfg["iterations"])
        lines += ["## Initializers compared on real data", "",
                  f"{net} with hidden layers {cfg['hidden']}, "
                  f"{cfg['optimizer']} lr {cfg['lr']}, batch {cfg['batch_size']}, "
                  f"{cfg['iterations']} iterations on {cfg['n_train']:,} training images "
                  f"({cfg['data']}), random seeds {cfg['seeds']}. Left: the training loss, "
                  "faint per iteration, bold smoothed; right: the "
                  f"{cfg.get('accuracy_on', 'held-out')} accuracy measured during training.",
                  ""]
        if "loss" in rel:
            lines += [f"![loss and accuracy curves]({rel['loss']})", ""]
        lines += [f"| init | activation | loss, mean of last {tail} iterations{spread} | "
                  "train accuracy | held-out accuracy |", "|---|---|---|---|---|"]
        for run in comparison["runs"]:
            test = [a for a in run["test_accuracy"] if a is not None]
            lines += [f"| {run['init']} | {run.get('activation', cfg['activation'])} | "
                      f"{mean_spread(run['final_loss'], '.3f')} | "
                      f"{mean_spread(run['train_accuracy'], '.1%')} | "
                      f"{mean_spread(test, '.1%') if test else 'n/a'} |"]
        lines += [""]
        if all(run.get("diagnosis") for run in comparison["runs"]):
            lines += ["### At initialization: `fastinit.diagnose`", "",
                      f"Each init's net before training, on the first batch "
                      f"({cfg['batch_size']} images, first random seed): per layer the "
                      "activations' std, the fraction saturated (within 0.01 of a sigmoid/tanh "
                      "limit) or dead (ReLU output 0), and the norm of the loss gradient of W.",
                      "", "| init | " + " | ".join(
                          f"layer {i + 1}" for i in range(len(comparison["runs"][0]["diagnosis"])))
                      + " |",
                      "|---|" + "---|" * len(comparison["runs"][0]["diagnosis"])]
            for run in comparison["runs"]:
                cells = []
                for layer in run["diagnosis"]:
                    state = []
                    if layer.get("saturated") is not None:
                        state.append(f"sat {layer['saturated']:.0%}")
                    if layer.get("dead") is not None:
                        state.append(f"dead {layer['dead']:.0%}")
                    grad = layer.get("grad_norm")
                    cells.append(f"std {layer['std']:.3g}" + "".join(f", {x}" for x in state)
                                 + (f", \\|dW\\| {grad:.3g}" if grad is not None else ""))
                lines += [f"| {run['init']} | " + " | ".join(cells) + " |"]
            lines += [""]
    if symmetry is not None:
        cfg = symmetry["config"]
        lines += ["## Symmetry", "",
                  f"A net with one layer of {cfg['hidden']} {cfg['activation']} units trained "
                  f"with full-batch SGD (lr {cfg['lr']}, {cfg['iterations']} steps) on "
                  f"{cfg['data']} ({cfg['n']} points), starting from all-zero weights and from "
                  "small random weights. The figure traces every hidden unit's weights and bias "
                  "during training.",
                  ""]
        if "symmetry" in rel:
            lines += [f"![symmetry]({rel['symmetry']})", ""]
        lines += ["| init | distinct hidden units | largest difference | train accuracy |",
                  "|---|---|---|---|"]
        lines += [f"| {r['init']} | {r['distinct']} of {cfg['hidden']} | "
                  f"{r['max_difference']:.3g} | {r['accuracy']:.1%} |" for r in symmetry["runs"]]
        lines += [""]
    path = out / "report.md"
    path.write_text("\n".join(lines))
    return path
