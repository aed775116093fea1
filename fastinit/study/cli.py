"""The study's commands of ``fastinit`` (the command itself, with
``bench``, is fastinit.__main__).

``fastinit study`` runs the three experiments of the book's study of weight
initialization and writes figures, numbers and ``report.md`` into
``fastinit-report/``; ``histogram``, ``compare`` and ``symmetry`` run one
experiment each (same outputs, for that experiment); ``bench`` runs the
benchmarks, ``info`` shows how fastinit was built.

Exit status: 0 when every claim tested held, 1 when one did not, 2 for bad
arguments or missing data.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import pathlib
import shlex
import sys
import tempfile
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

if TYPE_CHECKING:
    from .datasets import StudyData
    from .experiments import Claim
    from .experiments._common import Activation, Result

#: A figure to draw: ``(plot function, its arguments)``.
_Job = tuple[Callable[..., pathlib.Path], tuple[Any, ...]]

EXIT_OK, EXIT_CLAIM_FAILED, EXIT_USAGE = 0, 1, 2

_EXPERIMENTS = ("histogram", "compare", "symmetry")


class _UsageError(Exception):
    """Bad input found after parsing (missing data, a bad value): exit 2."""


def _int_at_least(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {value}")
        return value
    return parse


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
    return value


def _names(text: str) -> list[str]:
    items = [s.strip() for s in text.split(",") if s.strip()]
    if not items:
        raise argparse.ArgumentTypeError("expected a comma-separated list")
    return items


def _common(p: argparse.ArgumentParser, out_default: str = "fastinit-report") -> None:
    p.add_argument("--seed", type=_int_at_least(0), default=0,
                   help="random seed of weights, inputs and batches (default 0)")
    p.add_argument("--backend", choices=("native", "numpy"), default="native",
                   help="compiled kernels (native, default) or the pure-NumPy reference")
    p.add_argument("--out", type=pathlib.Path, default=pathlib.Path(out_default), metavar="DIR",
                   help=f"folder for figures, results.json, CSVs and report.md "
                        f"(default {out_default}/)")


def _data_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=pathlib.Path, default=None, metavar="DIR",
                   help="folder with the MNIST IDX files (default $FASTINIT_DATA, else "
                        "the cache, ~/.cache/fastinit/mnist on Linux; downloading when missing)")
    p.add_argument("--dataset", choices=("auto", "mnist", "digits"), default="auto",
                   help="auto (default): MNIST, else scikit-learn's digits with a note; "
                        "mnist: fail without MNIST; digits: always the 8x8 digits")
    p.add_argument("--no-download", action="store_true", help="never download MNIST")


# One vocabulary: an experiment's own options carry its prefix (--hist-,
# --compare-, --sym-), which every command accepts; in a one-experiment
# command the short form (--inits, --activation, --iterations) means the
# same.  `study` accepts the short forms of the comparison (its main
# experiment) too.

def _flags(short: str, prefixed: str, short_too: bool) -> tuple[str, ...]:
    """Option strings: the prefixed name always, the short one too when
    ``short_too`` (the experiment's own command)."""
    return (prefixed, short) if short_too else (prefixed,)


HIST_INITS = ["std=1", "std=0.01", "xavier", "he"]
STUDY_HIST_INITS = HIST_INITS + ["std=10", "std=0"]


def _histogram_options(p: argparse.ArgumentParser, study: bool = False) -> None:
    p.add_argument(*_flags("--activations", "--hist-activations", not study),
                   dest="activations", type=_names, default=["sigmoid", "relu", "tanh"],
                   help="comma-separated (default sigmoid,relu,tanh)")
    inits = STUDY_HIST_INITS if study else HIST_INITS
    p.add_argument(*_flags("--inits", "--hist-inits", not study), dest="hist_inits",
                   type=_names, metavar="INITS", default=inits,
                   help=f"weight inits, comma-separated (default {','.join(inits)})")
    p.add_argument("--layers", type=_int_at_least(1), default=5, help="default 5")
    p.add_argument("--nodes", type=_int_at_least(1), default=100, help="default 100")
    p.add_argument("--samples", type=_int_at_least(1), default=1000, help="default 1000")


def _compare_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--compare-inits", "--inits", dest="inits", type=_names,
                   default=["std=0.01", "xavier", "he"],
                   help="comma-separated (default std=0.01,xavier,he)")
    p.add_argument("--compare-activation", "--activation", dest="activation", type=_names,
                   default=["relu"], metavar="ACTIVATION",
                   help="the hidden activation: one for every net, or a comma-separated "
                        "list with one per init, e.g. relu,sigmoid,relu (default relu)")
    p.add_argument("--compare-iterations", "--iterations", dest="iterations",
                   type=_int_at_least(1), default=2000, help="default 2000")
    p.add_argument("--batch-size", type=_int_at_least(1), default=128, help="default 128")
    p.add_argument("--optimizer", choices=("sgd", "momentum", "adagrad", "adam"),
                   default="sgd", help="default sgd")
    p.add_argument("--lr", type=_positive_float, default=0.01, help="default 0.01")
    p.add_argument("--seeds", type=_int_at_least(1), default=1, metavar="N",
                   help="train each init with N random seeds (seed, seed+1, ...) and show "
                        "the mean and spread (default 1)")
    p.add_argument("--processes", type=_int_at_least(1), default=1, metavar="N",
                   help="train the (init, seed) runs on N worker processes (default 1: "
                        "all in this process, side by side on its threads)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def _symmetry_options(p: argparse.ArgumentParser, study: bool = False) -> None:
    p.add_argument("--hidden", type=_int_at_least(2), default=2, help="hidden units (default 2)")
    p.add_argument(*_flags("--iterations", "--sym-iterations", not study),
                   dest="sym_iterations", type=_int_at_least(1), default=2000, metavar="N",
                   help="full-batch SGD steps (default 2000)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fastinit",
        description="The study of weight initialization (zero init keeps symmetry, std=1 "
                    "saturates, std=0.01 collapses, Xavier/He keep activations spread), on "
                    "fastinit's compiled engine.",
        epilog="Run 'fastinit COMMAND --help' for a command's options.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("study", help="all three experiments, figures and report.md",
                       description="Run the activation histograms, the initializer comparison "
                                   "on MNIST and the symmetry demo; write figures, "
                                   "results.json, CSVs and report.md into --out.")
    _common(p)
    _data_options(p)
    _histogram_options(p, study=True)
    _compare_options(p)
    _symmetry_options(p, study=True)
    p = sub.add_parser("histogram", help="activation histograms per layer",
                       description="Activation histograms of a deep net fed Gaussian input, "
                                   "per activation, initializer and layer.")
    _common(p)
    _histogram_options(p)
    p = sub.add_parser("compare", help="training loss per initializer on MNIST",
                       description="Train one net per initializer on the same minibatches "
                                   "and compare the loss curves.")
    _common(p)
    _data_options(p)
    _compare_options(p)
    p = sub.add_parser("symmetry", help="zero vs random init: do the hidden units differ?",
                       description="Train a one-hidden-layer net from all-zero and from small "
                                   "random weights; count the distinct hidden units.")
    _common(p)
    _symmetry_options(p)
    sub.add_parser("bench", add_help=False, help="benchmarks, fastinit vs NumPy "
                                                 "(options: fastinit bench --help)")
    p = sub.add_parser("info", help="build and runtime information",
                       description="How this copy of fastinit was built and what it runs on.")
    return parser


# --------------------------------------------------------------------------
# Running the experiments
# --------------------------------------------------------------------------

@contextlib.contextmanager
def _timed(seconds: dict[str, float], key: str) -> Iterator[None]:
    t0 = time.perf_counter()
    yield
    seconds[key] = time.perf_counter() - t0


def _load_data(args: argparse.Namespace) -> StudyData:
    from .datasets import load_study_data
    try:
        return load_study_data(args.data, args.dataset, download=not args.no_download)
    except (FileNotFoundError, ValueError, ImportError) as exc:
        raise _UsageError(str(exc).replace("\n", "; ")) from None  # one line


# What the study's commands write, and so may remove from their folder
# before writing (never anything else: the folder may hold the user's files).
OUTPUT_PATTERNS = ("report.md", "results.json", "*.csv", "histograms_*.png", "loss_curves.png",
                   "symmetry.png")


def _out_folder(args: argparse.Namespace) -> pathlib.Path:
    """Where this command writes: ``--out`` for ``study``, its own
    subfolder ``--out/<command>`` for one experiment, so that two commands
    sharing ``--out`` never mix their reports."""
    out: pathlib.Path = args.out
    return out if args.command == "study" else out / args.command


def _check_args(args: argparse.Namespace, which: Sequence[str]) -> pathlib.Path:
    """Every check that needs no computation, before any work: the output
    folder can be created and written, ``--data`` exists, the initializer
    and activation names are known.  Raises _UsageError."""
    from .. import init as fi_init
    from .experiments.comparison import per_init_activations
    from .experiments.histograms import HIST_RANGE

    out = _out_folder(args)
    for parent in [out, *out.parents]:
        if parent.exists() and not parent.is_dir():
            raise _UsageError(f"--out {args.out}: {parent} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise _UsageError(f"--out {args.out}: cannot write there ({exc.strerror or exc})") \
            from None
    if getattr(args, "data", None) is not None and args.dataset != "digits" \
            and not args.data.is_dir():
        raise _UsageError(f"--data {args.data}: no such folder (give the folder holding the "
                          "MNIST files, or set FASTINIT_DATA; --dataset digits needs none)")
    specs: list[str] = []
    if "histogram" in which:
        specs += args.hist_inits
        for name in args.activations:
            if name not in HIST_RANGE:
                raise _UsageError(f"unknown activation {name!r}; expected one of "
                                  f"{sorted(HIST_RANGE)}")
    if "compare" in which:
        specs += args.inits
        try:
            per_init_activations(_activation_arg(args), args.inits)
        except ValueError as exc:
            raise _UsageError(f"--activation: {exc}") from None
    for spec in specs:
        try:
            fi_init.resolve(spec)
        except (ValueError, TypeError) as exc:
            raise _UsageError(f"unknown initializer {spec!r}: {exc}") from None
    return out


def _activation_arg(args: argparse.Namespace) -> Activation | tuple[Activation, ...]:
    """--activation as init_comparison takes it: a name, or one per init."""
    names: list[Activation] = args.activation  # checked by _check_args before any run
    return names[0] if len(names) == 1 else tuple(names)


def _clear_outputs(out: pathlib.Path) -> None:
    """Remove what an earlier run of a study command left in ``out``."""
    for pattern in OUTPUT_PATTERNS:
        for path in out.glob(pattern):
            if path.is_file():
                path.unlink()


def _run(args: argparse.Namespace, which: Sequence[str], out: pathlib.Path) -> int:
    from . import experiments

    seconds: dict[str, float]
    results: dict[str, Result]
    seconds, results = {}, {}
    meta: dict[str, Any] = {"backend": args.backend, "seed": args.seed,
                            "command": args.command_line}
    # matplotlib takes a quarter of a second to import: do it beside the
    # experiments (whose kernels release the GIL), not after them
    preload = threading.Thread(target=_preload_matplotlib, daemon=True)
    preload.start()
    if "histogram" in which:
        with _timed(seconds, "histogram"):
            try:
                results["histograms"] = experiments.activation_histograms(
                    activations=tuple(args.activations), inits=tuple(args.hist_inits),
                    layers=args.layers, nodes=args.nodes, samples=args.samples,
                    seed=args.seed, backend=args.backend)
            except ValueError as exc:
                raise _UsageError(str(exc)) from None
        claims = experiments.evaluate_claims(histograms=results["histograms"])
        print(f"histogram: {len(results['histograms']['runs'])} runs "
              f"({','.join(args.activations)} x {','.join(args.hist_inits)}), "
              f"{_held(claims)} [{seconds['histogram']:.1f} s]", flush=True)
    if "compare" in which:
        data = _load_data(args)
        meta["data_note"] = data.note
        print("data: " + data.note.replace("\n", "\n  "), flush=True)
        with _timed(seconds, "compare"):
            try:
                results["comparison"] = experiments.init_comparison(
                    data, inits=tuple(args.inits), activation=_activation_arg(args),
                    iterations=args.iterations, batch_size=args.batch_size,
                    optimizer=args.optimizer, lr=args.lr,
                    seeds=tuple(range(args.seed, args.seed + args.seeds)),
                    backend=args.backend, progress=not args.no_progress,
                    processes=args.processes)
            except ValueError as exc:
                raise _UsageError(str(exc)) from None
        comp = results["comparison"]
        claims = experiments.evaluate_claims(comparison=comp)
        from .report import mean_spread
        losses = ", ".join(f"{r['init']} {mean_spread(r['final_loss'])}" for r in comp["runs"])
        what = "mean \u00b1 std over seeds of the " if args.seeds > 1 else ""
        print(f"compare: {data.name}, {args.iterations} iterations, {what}mean loss of the "
              f"last {min(100, args.iterations)}: {losses}; {_held(claims)} "
              f"[{seconds['compare']:.1f} s]", flush=True)
    if "symmetry" in which:
        with _timed(seconds, "symmetry"):
            results["symmetry"] = experiments.symmetry(
                hidden=args.hidden, iterations=args.sym_iterations, seed=args.seed,
                backend=args.backend)
        sym = results["symmetry"]
        claims = experiments.evaluate_claims(symmetry=sym)
        units = ", ".join(f"{r['init']} {r['distinct']}/{args.hidden} distinct"
                          for r in sym["runs"])
        print(f"symmetry: {units}; {_held(claims)} [{seconds['symmetry']:.1f} s]", flush=True)

    claims = experiments.evaluate_claims(**results)
    meta["seconds"] = seconds
    meta["build"] = _build_summary()
    with _timed(seconds, "outputs"):
        preload.join()
        _write_outputs(out, results, claims, meta)
    compute = sum(v for k, v in seconds.items() if k != "outputs")
    print(f"outputs: figures, CSV, JSON and report [{seconds['outputs']:.1f} s; "
          f"experiments {compute:.1f} s]", flush=True)
    failed = [c for c in claims if not c.held]
    for c in failed:
        print(f"claim did not hold: {c.statement}; measured {c.measured}", file=sys.stderr)
    print(f"{len(claims) - len(failed)} of {len(claims)} claims held; report: "
          f"{out / 'report.md'}", flush=True)
    return EXIT_CLAIM_FAILED if failed else EXIT_OK


def _held(claims: Sequence[Claim]) -> str:
    return f"{sum(c.held for c in claims)}/{len(claims)} claims held"


def _build_summary() -> str:
    import fastinit
    info = fastinit.build_info()
    return (f"fastinit {info['version']}, SIMD {info['simd']}, "
            f"{info['threads']}, {info['num_threads']} threads")


def _preload_matplotlib() -> None:
    try:
        from . import plots
        plots.require_matplotlib()
        plots.warm_up()
    except ImportError:
        pass  # _write_outputs says so


def _render(jobs: Sequence[_Job]) -> list[pathlib.Path]:
    """Draw the figures ``jobs`` (``(plot function, args)``), returning their
    paths.  On Linux two forked workers draw them side by side (matplotlib
    holds the GIL, so threads would not); elsewhere one after another."""
    if len(jobs) < 2 or sys.platform != "linux" or (os.cpu_count() or 1) < 2:
        return [fn(*args) for fn, args in jobs]
    import multiprocessing
    import warnings
    from concurrent.futures import ProcessPoolExecutor
    with warnings.catch_warnings():
        # fastinit's own threads are fork-safe (docs/architecture.md);
        # Python 3.12+ warns about any threads at fork
        warnings.simplefilter("ignore", DeprecationWarning)
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(fn, *args) for fn, args in jobs]
            return [f.result() for f in futures]


def _write_outputs(out: pathlib.Path, results: Mapping[str, Result], claims: Sequence[Claim],
                   meta: dict[str, Any]) -> None:
    from . import report
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    _clear_outputs(out)
    figures: dict[str, pathlib.Path] = {}
    try:
        from . import plots
        plots.require_matplotlib()
    except ImportError as exc:
        print(f"note: no figures ({exc})", file=sys.stderr)
    else:
        jobs: dict[str, _Job] = {}
        if "histograms" in results:
            for act in results["histograms"]["config"]["activations"]:
                jobs[act] = (plots.histogram_grid,
                             (results["histograms"], act, out / f"histograms_{act}.png"))
        if "comparison" in results:
            jobs["loss"] = (plots.loss_curves, (results["comparison"], out / "loss_curves.png"))
        if "symmetry" in results:
            jobs["symmetry"] = (plots.symmetry_figure,
                                (results["symmetry"], out / "symmetry.png"))
        figures = dict(zip(jobs, _render(list(jobs.values()))))
    report.write_csvs(out, claims=claims, **results)
    # the report gives the time of every phase, this one up to here included
    meta.setdefault("seconds", {})["figures and CSV"] = time.perf_counter() - started
    report.write_json(out / "results.json", claims=claims, meta=meta, **results)
    report.write_report(out, claims=claims, figures=figures, meta=meta, **results)


def _info() -> int:
    import fastinit
    from .datasets import mnist_available, mnist_dir

    for key, value in fastinit.build_info().items():
        print(f"{key}: {value}")
    folder = mnist_dir()
    have = [k for k in ("train", "test") if mnist_available(kind=k)]
    print(f"mnist: {folder} ({', '.join(have) + ' files present' if have else 'no files'})")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """The study's commands of ``fastinit`` (fastinit.__main__ runs
    ``bench``); returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "info":
        return _info()
    if args.command == "bench":  # listed in the help; run by fastinit.__main__
        print("fastinit bench: run it as `fastinit bench` or `python -m fastinit bench`",
              file=sys.stderr)
        return EXIT_USAGE
    which = _EXPERIMENTS if args.command == "study" else (args.command,)
    args.command_line = " ".join(["fastinit"] + [shlex.quote(a) for a in argv])
    try:
        out = _check_args(args, which)
        return _run(args, which, out)
    except _UsageError as exc:
        print(f"fastinit {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"fastinit {args.command}: interrupted", file=sys.stderr)
        return 130
