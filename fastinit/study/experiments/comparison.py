"""Training loss per initializer on real data (the book's Figure 6-15)."""
from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import threading
from typing import (TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence,
                    Tuple, cast)

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from ._common import (Activation, Backend, InitSpec, OptimizerName, Result, check_backend,
                      check_dtype, init_label, make_optimizer, positive)

if TYPE_CHECKING:
    import multiprocessing.context

    from tqdm.std import tqdm as _Bar

    from ...nn.net import MultiLayerNet
    from ...nn.train import History, Run
    from ..datasets import StudyData

#: The per-step callback of ``fastinit.train``: ``step(iteration, loss, net)``,
#: True to stop.
_StepCallback = Callable[[int, float, Any], bool]
#: What the results keep of one run (see :func:`_outcome`).
_Outcome = Tuple[NDArray[np.float64], float, Optional[float], bool, list[int], list[float]]

#: The claim compares the mean loss over this many final iterations.
TAIL = 100
#: Accuracy is measured this many times during each run (the accuracy curves).
EVAL_POINTS = 20


def _split(data: StudyData | Sequence[ArrayLike]
           ) -> tuple[ArrayLike, ArrayLike, ArrayLike | None, ArrayLike | None, str]:
    """(x_train, t_train, x_test, t_test, name) from a StudyData or a tuple
    of 2 or 4 arrays."""
    name = getattr(data, "name", "data")
    items: tuple[ArrayLike | None, ...]
    items = tuple(data)[:4] if hasattr(data, "note") else tuple(data)
    if len(items) == 2:
        items = items + (None, None)
    if len(items) != 4:
        raise ValueError("data must be a StudyData or a tuple (x_train, t_train[, x_test, t_test])")
    return cast("tuple[ArrayLike, ArrayLike, ArrayLike | None, ArrayLike | None, str]",
                items + (name,))


def _losses(history: Any) -> NDArray[np.float64]:
    """The per-iteration losses of a ``fastinit.train`` history."""
    for key in ("loss", "losses", "train_loss"):
        if isinstance(history, dict) and key in history:
            return np.asarray(history[key], dtype=np.float64)
        if hasattr(history, key):
            return np.asarray(getattr(history, key), dtype=np.float64)
    return np.asarray(history, dtype=np.float64)


@contextlib.contextmanager
def _progress_bar(total: int, desc: str, enabled: bool,
                  unit: str = "it") -> Iterator[Callable[[str], _StepCallback]]:
    """A labelled tqdm bar; yields ``callback(label)``, which makes the
    per-step callback of ``train`` for the run called ``label`` (a no-op when
    disabled or without tqdm).  The bar shows each run's latest loss and may
    be driven from the threads of runs trained side by side."""
    bar: _Bar[Any] | None = None
    if enabled:
        try:
            from tqdm.auto import tqdm
            bar = tqdm(total=total, desc=desc, unit=unit, leave=False)
        except ImportError:
            pass
    lock = threading.Lock()
    latest: dict[str, float] = {}

    def callback(label: str) -> _StepCallback:
        def step(iteration: int, loss: float, net: Any) -> bool:
            if bar is not None:
                with lock:
                    bar.update(1)
                    if iteration % 100 == 0:
                        latest[label] = loss
                        if len(latest) <= 3:
                            bar.set_postfix({k: f"{v:.3f}" for k, v in latest.items()},
                                            refresh=False)
                        else:  # one short field, whatever the number of runs
                            bar.set_postfix_str(f"loss {min(latest.values()):.3f}-"
                                                f"{max(latest.values()):.3f} over "
                                                f"{len(latest)} runs", refresh=False)
            return False
        return step

    try:
        yield callback
    finally:
        if bar is not None:
            bar.close()


# The data of the runs a worker process trains (set once per process by
# _set_process_data, so the training set is sent once per process, not once
# per run).
_process_data: dict[str, Any] = {}


def _process_context() -> multiprocessing.context.BaseContext:
    """forkserver where there is one, else spawn: a worker never inherits
    the parent's threads or locks, whatever the parent did before."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _set_process_data(x: NDArray[Any], t: NDArray[Any], x_test: NDArray[Any] | None,
                      t_test: ArrayLike | None, threads: int) -> None:
    from ... import set_num_threads
    _process_data.update(x=x, t=t, x_test=x_test, t_test=t_test)
    set_num_threads(threads)


def _train_in_process(spec: InitSpec, activation: Activation, seed: int,
                      config: Mapping[str, Any]) -> _Outcome:
    """One (init, seed) run in a worker process, as the serial loop runs it:
    its loss history and accuracies."""
    from ...nn.net import MultiLayerNet
    from ...nn.train import Run
    x, t, x_test, t_test = (_process_data[k] for k in ("x", "t", "x_test", "t_test"))
    net = MultiLayerNet(x.shape[1], config["hidden"], config["n_classes"],
                        activation=activation, weight_init_std=spec,
                        dtype=x.dtype, seed=seed, backend=config["backend"])
    run = Run(net, x, t, iterations=config["iterations"], batch_size=config["batch_size"],
              optimizer=make_optimizer(config["optimizer"], config["lr"]), seed=seed,
              progress=False, **_evaluation(config["iterations"], x_test, t_test))
    try:
        while run.step():
            pass
    except KeyboardInterrupt:
        run.history.interrupted = True
    return _outcome(net, run.history, x, t, x_test, t_test)


def _evaluation(iterations: int, x_test: ArrayLike | None,
                t_test: ArrayLike | None) -> dict[str, Any]:
    """Run's arguments for the accuracy curve: EVAL_POINTS evaluations, on
    the held-out data when there is some."""
    return {"eval_every": max(1, iterations // EVAL_POINTS), "x_val": x_test, "t_val": t_test}


def _outcome(net: MultiLayerNet, history: History, x: NDArray[Any], t: NDArray[Any],
             x_test: NDArray[Any] | None, t_test: ArrayLike | None) -> _Outcome:
    """What the results keep of one run: (losses, train accuracy, test
    accuracy or None, interrupted, evaluated iterations, accuracy there:
    held-out, or train without held-out data)."""
    curve = history.val_acc if x_test is not None else history.train_acc
    # t_test is given whenever x_test is (_split)
    return (_losses(history), float(net.accuracy(x, t)),
            float(net.accuracy(x_test, cast("ArrayLike", t_test))) if x_test is not None else None,
            history.interrupted, list(history.eval_iterations), [float(a) for a in curve])


def _diagnoses(x: NDArray[Any], t: NDArray[Any], inits: Sequence[InitSpec],
               activations: Sequence[Activation], seed: int, hidden: Sequence[int],
               n_classes: int, backend: Backend, batch_size: int) -> list[list[dict[str, Any]]]:
    """``fastinit.diagnose`` of each init's net at initialization, on the
    first batch: per layer, the activations' std, saturated and dead
    fractions and the gradient norm of W."""
    import dataclasses
    from ...nn.diagnose import diagnose
    from ...nn.net import MultiLayerNet
    rows: list[list[dict[str, Any]]] = []
    for spec, activation in zip(inits, activations):
        net = MultiLayerNet(x.shape[1], hidden, n_classes, activation=activation,
                            weight_init_std=spec, dtype=x.dtype, seed=seed, backend=backend)
        rows.append([dataclasses.asdict(layer) for layer in
                     diagnose(net, x[:batch_size], t[:batch_size])])
    return rows


def _run_in_processes(jobs: Sequence[tuple[int, int]], inits: Sequence[InitSpec],
                      activations: Sequence[Activation], labels: Sequence[str], processes: int,
                      config: Mapping[str, Any],
                      arrays: tuple[NDArray[Any], NDArray[Any], NDArray[Any] | None,
                                    ArrayLike | None],
                      progress: bool) -> list[_Outcome]:
    """The runs ``jobs`` ((init index, seed) pairs) on a pool of
    ``processes`` worker processes, in job order."""
    from ... import get_num_threads
    threads = max(1, get_num_threads() // processes)
    with _progress_bar(len(jobs), f"{len(jobs)} runs in {processes} processes", progress,
                       unit="run") as callback:
        pool = concurrent.futures.ProcessPoolExecutor(
            processes, mp_context=_process_context(), initializer=_set_process_data,
            initargs=(*arrays, threads))
        try:
            futures = [pool.submit(_train_in_process, inits[k], activations[k], s, config)
                       for k, s in jobs]
            for future, (k, s) in zip(futures, jobs):
                loss = future.result()[0]
                callback(f"{labels[k]} (seed {s})")(0, loss[-1] if len(loss) else np.nan,
                                                    None)
            return [f.result() for f in futures]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def per_init_activations(activation: str | Sequence[str],
                         inits: Sequence[InitSpec]) -> list[Activation]:
    """The hidden activation of each initializer's net: one name for all,
    or a sequence aligned with ``inits`` (the article trains std=0.01 and
    He with ReLU, Xavier with sigmoid)."""
    from ...nn.net import ACTIVATIONS
    names = [activation] * len(inits) if isinstance(activation, str) else list(activation)
    if len(names) != len(inits):
        raise ValueError(f"give one activation or one per initializer ({len(inits)}), "
                         f"got {len(names)}: {','.join(names)}")
    for name in names:
        if name not in ACTIVATIONS:
            raise ValueError(f"unknown activation {name!r}; expected one of {list(ACTIVATIONS)}")
    return cast("list[Activation]", names)  # every name checked just above


def init_comparison(data: StudyData | Sequence[ArrayLike],
                    inits: Sequence[InitSpec] = ("std=0.01", "xavier", "he"),
                    activation: Activation | Sequence[Activation] = "relu",
                    hidden: Sequence[int] = (100, 100, 100, 100), iterations: int = 2000,
                    batch_size: int = 128, optimizer: OptimizerName = "sgd", lr: float = 0.01,
                    seeds: Iterable[int] = (0,), backend: Backend = "native",
                    *, dtype: DTypeLike = np.float32, progress: bool = True,
                    workers: int | None = None, processes: int = 1) -> Result:
    """Train one ``MultiLayerNet`` per initializer and seed on the same
    minibatches and record the loss of every iteration.

    data: a :class:`fastinit.datasets.StudyData` or ``(x_train, t_train)``
    or ``(x_train, t_train, x_test, t_test)`` with int labels.  Each seed
    draws its own weights and its own batch sequence; within a seed all
    initializers see the same batches, as in the book's experiment.

    activation: one hidden activation for every net, or a sequence with one
    per initializer.

    Returns a dict: ``config`` and ``runs``, one per init with ``init``,
    ``activation``,
    ``loss`` (array seeds x iterations), ``loss_mean`` and ``loss_std``
    (across seeds, per iteration), ``final_loss`` (per seed: mean of the last
    100 iterations), ``train_accuracy`` and ``test_accuracy`` (per seed; the
    test accuracy is None without held-out data), ``eval_iterations`` and
    ``accuracy_curve`` (seeds x evaluations: held-out accuracy, or train
    accuracy without held-out data; with ``_mean`` and ``_std`` across
    seeds), ``diagnosis`` (``fastinit.diagnose`` of the first seed's net at
    initialization on the first batch, a dict per layer).

    workers: threads that train the (init, seed) runs side by side, each
    step on one thread (``fastinit.train.run_side_by_side``); the default
    is one per kernel thread (``fastinit.get_num_threads()``) on the native
    backend and 1 on "numpy" (the reference, run as written).  The results
    are the same bits for any value.

    processes: worker processes that train the runs instead (started with
    forkserver, or spawn where there is none; each run on one process,
    with ``get_num_threads() // processes`` threads); ``workers`` is then
    unused.  The results are the same bits as with ``processes=1`` (all
    runs in this process, the default).  As with any spawned process, a
    script that passes ``processes`` must guard its own work with
    ``if __name__ == "__main__":``.
    """
    from ... import get_num_threads

    check_backend(backend)
    dtype = check_dtype(dtype)
    iterations, batch_size = positive(iterations, "iterations"), positive(batch_size, "batch_size")
    seeds = tuple(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    if workers is None:
        workers = get_num_threads() if backend == "native" else 1
    workers = positive(workers, "workers")
    processes = positive(processes, "processes")
    x, t, x_test, t_test, name = _split(data)
    x = np.ascontiguousarray(x, dtype=dtype)
    t = np.asarray(t)
    if x.ndim != 2 or t.ndim != 1 or len(x) != len(t):
        raise ValueError(f"need x of shape (N, D) and int labels of shape (N,), got {x.shape} "
                         f"and {t.shape}")
    n_classes = int(t.max()) + 1
    hidden = [positive(h, "hidden size") for h in hidden]
    make_optimizer(optimizer, lr)  # fail on a bad name before any training
    if x_test is not None:
        x_test = np.ascontiguousarray(x_test, dtype=dtype)

    labels = [init_label(spec) for spec in inits]
    activations = per_init_activations(activation, inits)
    jobs = [(k, s) for k in range(len(inits)) for s in seeds]
    processes = min(processes, len(jobs))
    if processes > 1:
        config: dict[str, Any] = {"hidden": hidden, "n_classes": n_classes,
                  "backend": backend, "iterations": iterations, "batch_size": batch_size,
                  "optimizer": optimizer, "lr": lr}
        outcomes = _run_in_processes(jobs, inits, activations, labels, processes, config,
                                     (x, t, x_test, t_test), progress)
    else:
        outcomes = _run_here(jobs, inits, labels, seeds, x, t, x_test, t_test, hidden,
                             n_classes, activations, backend, iterations, batch_size,
                             optimizer, lr, workers, progress)
    if any(o[3] for o in outcomes):
        raise KeyboardInterrupt

    diagnoses = _diagnoses(x, t, inits, activations, seeds[0], hidden, n_classes, backend,
                           batch_size)
    runs: list[dict[str, Any]] = []
    for k, label in enumerate(labels):
        curves: list[list[float]] | NDArray[np.float64]
        losses, train_acc, test_acc, curves = [], [], [], []
        for (kk, s), (loss, train, test, _, evals, curve) in zip(jobs, outcomes):
            if kk != k:
                continue
            losses.append(np.pad(loss, (0, iterations - len(loss)), constant_values=np.nan))
            train_acc.append(train)
            test_acc.append(test)
            curves.append(curve)
        loss = np.vstack(losses)
        curves = np.asarray(curves, dtype=np.float64)
        runs.append({"init": label, "activation": activations[k], "loss": loss,
                     "loss_mean": np.nanmean(loss, axis=0),
                     "loss_std": np.nanstd(loss, axis=0),
                     "final_loss": [float(np.nanmean(row[-TAIL:])) for row in loss],
                     "train_accuracy": train_acc, "test_accuracy": test_acc,
                     "eval_iterations": evals, "accuracy_curve": curves,
                     "accuracy_curve_mean": curves.mean(axis=0),
                     "accuracy_curve_std": curves.std(axis=0),
                     "diagnosis": diagnoses[k]})
    return {"experiment": "init_comparison",
            "config": {"data": name, "n_train": len(x),
                       "n_test": None if x_test is None else len(x_test),
                       "inits": [r["init"] for r in runs],
                       "activation": activations[0] if len(set(activations)) == 1
                       else activations,
                       "hidden": hidden, "iterations": iterations, "batch_size": batch_size,
                       "optimizer": optimizer, "lr": lr, "seeds": list(seeds),
                       "backend": backend, "dtype": dtype.name,
                       "accuracy_on": "held-out" if x_test is not None else "train"},
            "runs": runs}



def _run_here(jobs: Sequence[tuple[int, int]], inits: Sequence[InitSpec], labels: Sequence[str],
              seeds: Sequence[int], x: NDArray[Any], t: NDArray[Any],
              x_test: NDArray[Any] | None, t_test: ArrayLike | None, hidden: Sequence[int],
              n_classes: int, activations: Sequence[Activation], backend: Backend, iterations: int,
              batch_size: int, optimizer: str, lr: float, workers: int,
              progress: bool) -> list[_Outcome]:
    """The runs ``jobs`` in this process: side by side on ``workers``
    threads, or one after another; their outcomes in job order."""
    from ...nn.net import MultiLayerNet
    from ...nn.train import Run, run_side_by_side

    nets = [MultiLayerNet(x.shape[1], hidden, n_classes, activation=activations[k],
                          weight_init_std=inits[k], dtype=x.dtype, seed=s, backend=backend)
            for k, s in jobs]
    workers = min(workers, len(jobs))

    def make_run(net: MultiLayerNet, s: int, callback: _StepCallback) -> Run:
        return Run(net, x, t, iterations=iterations, batch_size=batch_size,
                   optimizer=make_optimizer(optimizer, lr), seed=s, progress=False,
                   callback=callback, **_evaluation(iterations, x_test, t_test))

    if workers > 1:
        desc = f"{len(jobs)} runs side by side"
        with _progress_bar(iterations * len(jobs), desc, progress) as callback:
            runs = [make_run(net, s, callback(labels[k] + (f" (seed {s})" if len(seeds) > 1
                                                           else "")))
                    for net, (k, s) in zip(nets, jobs)]
            histories = run_side_by_side(runs, workers)
    else:
        histories = []
        for net, (k, s) in zip(nets, jobs):
            with _progress_bar(iterations, f"{labels[k]} (seed {s})", progress) as callback:
                run = make_run(net, s, callback("loss"))
                try:
                    while run.step():
                        pass
                except KeyboardInterrupt:
                    run.history.interrupted = True
                histories.append(run.history)
            if run.history.interrupted:
                break
    return [_outcome(net, h, x, t, x_test, t_test) for net, h in zip(nets, histories)]
