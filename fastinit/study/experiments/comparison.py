"""Training loss per initializer on real data (the seeds' Figure 6-15)."""
import contextlib
import threading

import numpy as np

from ._common import check_backend, check_dtype, init_label, make_optimizer, positive

#: The claim compares the mean loss over this many final iterations.
TAIL = 100


def _split(data):
    """(x_train, t_train, x_test, t_test, name) from a StudyData or a tuple
    of 2 or 4 arrays."""
    name = getattr(data, "name", "data")
    items = tuple(data)[:4] if hasattr(data, "note") else tuple(data)
    if len(items) == 2:
        items = items + (None, None)
    if len(items) != 4:
        raise ValueError("data must be a StudyData or a tuple (x_train, t_train[, x_test, t_test])")
    return items + (name,)


def _losses(history):
    """The per-iteration losses of a ``fastinit.train`` history."""
    for key in ("loss", "losses", "train_loss"):
        if isinstance(history, dict) and key in history:
            return np.asarray(history[key], dtype=np.float64)
        if hasattr(history, key):
            return np.asarray(getattr(history, key), dtype=np.float64)
    return np.asarray(history, dtype=np.float64)


@contextlib.contextmanager
def _progress_bar(total, desc, enabled):
    """A labelled tqdm bar; yields ``callback(label)``, which makes the
    per-step callback of ``train`` for the run called ``label`` (a no-op when
    disabled or without tqdm).  The bar shows each run's latest loss and may
    be driven from the threads of runs trained side by side."""
    bar = None
    if enabled:
        try:
            from tqdm.auto import tqdm
            bar = tqdm(total=total, desc=desc, unit="it", leave=False)
        except ImportError:
            pass
    lock = threading.Lock()
    latest = {}

    def callback(label):
        def step(iteration, loss, net):
            if bar is not None:
                with lock:
                    bar.update(1)
                    if iteration % 100 == 0:
                        latest[label] = f"{loss:.3f}"
                        bar.set_postfix(latest, refresh=False)
            return False
        return step

    try:
        yield callback
    finally:
        if bar is not None:
            bar.close()


def init_comparison(data, inits=("std=0.01", "xavier", "he"), activation="relu",
                    hidden=(100, 100, 100, 100), iterations=2000, batch_size=128,
                    optimizer="sgd", lr=0.01, seeds=(0,), backend="native",
                    *, dtype=np.float32, progress=True, workers=None):
    """Train one ``MultiLayerNet`` per initializer and seed on the same
    minibatches and record the loss of every iteration.

    data: a :class:`fastinit.datasets.StudyData` or ``(x_train, t_train)``
    or ``(x_train, t_train, x_test, t_test)`` with int labels.  Each seed
    draws its own weights and its own batch sequence; within a seed all
    initializers see the same batches, as in the seeds' experiment.

    Returns a dict: ``config`` and ``runs``, one per init with ``init``,
    ``loss`` (array seeds x iterations), ``loss_mean`` and ``loss_std``
    (across seeds, per iteration), ``final_loss`` (per seed: mean of the last
    100 iterations), ``train_accuracy`` and ``test_accuracy`` (per seed; the
    test accuracy is None without held-out data).

    workers: threads that train the (init, seed) runs side by side, each
    step on one thread (``fastinit.train.run_side_by_side``); the default
    is one per kernel thread (``fastinit.get_num_threads()``) on the native
    backend and 1 on "numpy" (the reference, run as written).  The results
    are the same bits for any value.
    """
    from ... import get_num_threads
    from ...nn.net import MultiLayerNet
    from ...nn.train import Run, run_side_by_side

    check_backend(backend)
    dtype = check_dtype(dtype)
    iterations, batch_size = positive(iterations, "iterations"), positive(batch_size, "batch_size")
    seeds = tuple(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    if workers is None:
        workers = get_num_threads() if backend == "native" else 1
    workers = positive(workers, "workers")
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
    jobs = [(k, s) for k in range(len(inits)) for s in seeds]
    nets = [MultiLayerNet(x.shape[1], hidden, n_classes, activation=activation,
                          weight_init_std=inits[k], dtype=dtype, seed=s, backend=backend)
            for k, s in jobs]
    workers = min(workers, len(jobs))

    def make_run(net, s, callback):
        return Run(net, x, t, iterations=iterations, batch_size=batch_size,
                   optimizer=make_optimizer(optimizer, lr), seed=s, progress=False,
                   callback=callback)

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
    if any(h.interrupted for h in histories):
        raise KeyboardInterrupt

    runs = []
    for k, label in enumerate(labels):
        losses, train_acc, test_acc = [], [], []
        for (kk, s), net, history in zip(jobs, nets, histories):
            if kk != k:
                continue
            loss = _losses(history)
            losses.append(np.pad(loss, (0, iterations - len(loss)), constant_values=np.nan))
            train_acc.append(float(net.accuracy(x, t)))
            test_acc.append(float(net.accuracy(x_test, t_test)) if x_test is not None else None)
        loss = np.vstack(losses)
        runs.append({"init": label, "loss": loss,
                     "loss_mean": np.nanmean(loss, axis=0),
                     "loss_std": np.nanstd(loss, axis=0),
                     "final_loss": [float(np.nanmean(row[-TAIL:])) for row in loss],
                     "train_accuracy": train_acc, "test_accuracy": test_acc})
    return {"experiment": "init_comparison",
            "config": {"data": name, "n_train": len(x),
                       "n_test": None if x_test is None else len(x_test),
                       "inits": [r["init"] for r in runs], "activation": activation,
                       "hidden": hidden, "iterations": iterations, "batch_size": batch_size,
                       "optimizer": optimizer, "lr": lr, "seeds": list(seeds),
                       "backend": backend, "dtype": dtype.name},
            "runs": runs}

