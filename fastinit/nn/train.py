"""``train``: the book's mini-batch training loop (sample a batch, one
optimizer step, record the loss) around ``MultiLayerNet.train_step``."""
from __future__ import annotations

import dataclasses
import math
import warnings
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validate import index
from ..init import Seed
from ..random import Generator, as_generator
from ..reference.functional import FloatArray
from ..reference.optim import Optimizer
from .net import MultiLayerNet, check_net

if TYPE_CHECKING:
    from tqdm.auto import tqdm as _Tqdm

__all__ = ["train", "History", "Run", "run_side_by_side"]

#: ``callback(iteration, loss, net)`` after every step; a true result stops the run.
Callback = Callable[[int, float, MultiLayerNet], object]


@dataclasses.dataclass
class History:
    """What ``train`` recorded.

    loss : list of float, one per completed iteration.
    eval_iterations, train_acc, val_acc : the iterations at which the net
        was evaluated (every ``eval_every``) and the accuracies there
        (``val_acc`` empty without validation data).
    interrupted : True when Ctrl-C stopped the loop early.
    """
    loss: list[float] = dataclasses.field(default_factory=list)
    eval_iterations: list[int] = dataclasses.field(default_factory=list)
    train_acc: list[float] = dataclasses.field(default_factory=list)
    val_acc: list[float] = dataclasses.field(default_factory=list)
    interrupted: bool = False

    @property
    def iterations(self) -> int:
        return len(self.loss)


def _progress_bar(total: int, enabled: bool) -> _Tqdm[Any] | None:
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        warnings.warn("tqdm is not installed (pip install \"fastinit[progress]\"); "
                      "training without a progress bar", stacklevel=3)
        return None
    return tqdm(total=total, unit="it", leave=False)


def _batch_indices(gen: Generator, n: int, batch_size: int, iterations: int,
                   block: int = 256) -> Iterator[NDArray[np.int64]]:
    """Yield one index array per iteration, drawn ``block`` iterations at a
    time (one generator call, not one per step)."""
    done = 0
    while done < iterations:
        rows = min(block, iterations - done)
        yield from gen.integers(0, n, size=(rows, batch_size))
        done += rows


def train(net: MultiLayerNet, x: ArrayLike, t: ArrayLike, *, iterations: int, batch_size: int,
          optimizer: Optimizer, seed: Seed = None, callback: Callback | None = None,
          progress: bool = True, eval_every: int | None = None, x_val: ArrayLike | None = None,
          t_val: ArrayLike | None = None) -> History:
    """Train ``net`` for ``iterations`` mini-batch steps and return a History.

    Each iteration draws ``batch_size`` sample indices uniformly with
    replacement (as the book's ``np.random.choice(train_size, batch_size)``)
    from ``fastinit.random.Generator(seed)`` (or the Generator passed as
    seed), so equal seeds give equal batches on either backend.  The data are
    checked and cast once; on the native backend each step is then one
    compiled call that gathers the batch rows itself, in parallel.

    callback(iteration, loss, net), if given, runs after every step; return
    True from it to stop early.  With ``eval_every=k`` the training accuracy
    on (x, t) and, given ``x_val``/``t_val``, the validation accuracy are
    recorded every k iterations and after the last one.  ``progress``
    shows a tqdm bar (the ``progress`` extra).  Ctrl-C stops after the
    current step and returns the history so far (``interrupted=True``).

    Raises ValueError for bad data and when the loss stops being finite
    (diverged training); the partial history is on the exception as
    ``.history``.
    """
    run = Run(net, x, t, iterations=iterations, batch_size=batch_size, optimizer=optimizer,
              seed=seed, callback=callback, progress=progress, eval_every=eval_every,
              x_val=x_val, t_val=t_val)
    try:
        while run.step():
            pass
    except KeyboardInterrupt:
        run.history.interrupted = True
    finally:
        run.close()
    return run.history


class Run:
    """One ``train`` run taken a step at a time (``train`` loops over
    ``step``; ``fastinit.experiments`` interleaves several runs on threads).
    The arguments are ``train``'s and are checked here."""

    def __init__(self, net: MultiLayerNet, x: ArrayLike, t: ArrayLike, *, iterations: int,
                 batch_size: int, optimizer: Optimizer, seed: Seed = None,
                 callback: Callback | None = None, progress: bool = True,
                 eval_every: int | None = None, x_val: ArrayLike | None = None,
                 t_val: ArrayLike | None = None) -> None:
        check_net(net)
        self.iterations = index(iterations, "iterations")
        batch_size = index(batch_size, "batch_size", minimum=1)
        if eval_every is not None:
            eval_every = index(eval_every, "eval_every", minimum=1)
        if (x_val is None) != (t_val is None):
            raise ValueError("give both x_val and t_val, or neither")
        self.net, self.optimizer, self.callback = net, optimizer, callback
        self.eval_every, self.x_val, self.t_val = eval_every, x_val, t_val
        self.x, self.labels, self.onehot = net.check_data(x, t)
        target = self.labels if self.labels is not None else self.onehot
        assert target is not None
        self.target: NDArray[Any] = target
        if x_val is not None:
            assert t_val is not None  # given both or neither
            net.check_data(x_val, t_val)  # fail early on bad validation data
        self._draws = _batch_indices(as_generator(seed), self.x.shape[0], batch_size,
                                     self.iterations)
        self._native = net.backend == "native"
        if not self._native:
            self._xb: FloatArray = np.empty((batch_size, self.x.shape[1]), dtype=self.x.dtype)
            self._tb: NDArray[Any] = np.empty((batch_size,) + self.target.shape[1:],
                                              dtype=self.target.dtype)
        self.history = History()
        self.done = 0         # steps taken
        self.finished = False  # all iterations done, or the callback stopped the run
        self._bar = _progress_bar(self.iterations, progress)

    def step(self) -> bool:
        """Take the next step; False once the run is over (now or before)."""
        if self.finished or self.done >= self.iterations:
            self.finished = True
            return False
        net, it = self.net, self.done
        idx = next(self._draws)
        if self._native:
            loss = net.train_step_checked(self.x, self.labels, self.onehot, self.optimizer,
                                          rows=idx)
        else:
            # the indices are in range by construction; mode="raise" (the
            # default) would copy through a temporary (2.6x slower here)
            np.take(self.x, idx, axis=0, out=self._xb, mode="clip")
            np.take(self.target, idx, axis=0, out=self._tb, mode="clip")
            labels = self._tb if self.labels is not None else None
            onehot = None if labels is not None else self._tb
            loss = net.train_step_checked(self._xb, labels, onehot, self.optimizer)
        if not math.isfinite(loss):
            err = ValueError(f"the loss became {loss} at iteration {it}: training "
                             "diverged (lower the learning rate or the init scale)")
            err.history = self.history  # type: ignore[attr-defined]  # documented extra
            raise err
        self.history.loss.append(loss)
        self.done = it + 1
        if self._bar is not None:
            self._bar.update(1)
            if it % 50 == 0:
                self._bar.set_postfix(loss=f"{loss:.4f}", refresh=False)
        every = self.eval_every
        if every and (self.done % every == 0 or self.done == self.iterations):
            self.history.eval_iterations.append(self.done)
            self.history.train_acc.append(net.accuracy(self.x, self.target))
            if self.x_val is not None:
                assert self.t_val is not None
                self.history.val_acc.append(net.accuracy(self.x_val, self.t_val))
        if self.callback is not None and self.callback(it, loss, net):
            self.finished = True
        if self.done >= self.iterations:
            self.finished = True
        return not self.finished

    def close(self) -> None:
        """Close the progress bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def run_side_by_side(runs: Run | Sequence[Run], workers: int) -> list[History]:
    """Step independent ``Run`` s to their ends on ``workers`` threads (the
    caller's among them), each step on one thread: faster than one run after
    another on all threads, since a single-threaded step needs no barrier
    (the seed net: 8-11% on two moderately loaded cores, ~35% on busy ones).  A worker
    always takes the free run that has done the fewest steps; once fewer
    runs than workers are left, the last ones get the spare threads.  The
    result is bit for bit that of running them one by one: a step does not
    depend on its thread count.  Ctrl-C stops every run after its current
    step (each history then says interrupted); an error in one run stops
    the others and is raised here."""
    import threading

    from .. import _core
    if isinstance(runs, Run):
        runs = [runs]
    if not isinstance(runs, (list, tuple)):  # not list(x): an array may have 1e9 rows
        raise TypeError(f"runs must be a Run or a list or tuple of them, got "
                        f"{type(runs).__name__}")
    runs = list(runs)
    for r in runs:
        if not isinstance(r, Run):
            raise TypeError(f"runs must hold fastinit.train.Run objects, got {type(r).__name__}")
    workers = index(workers, "workers", minimum=1)
    cap = _core.get_thread_limit()
    lock = threading.Lock()
    busy = [False] * len(runs)
    stop = threading.Event()
    errors: list[BaseException] = []

    def take() -> tuple[int | None, int]:
        with lock:
            left = [i for i, r in enumerate(runs) if not r.finished]
            free = [i for i in left if not busy[i]]
            if not free:
                return None, 0
            i = min(free, key=lambda j: runs[j].done)
            busy[i] = True
            return i, max(1, min(cap, workers // len(left)))

    def work() -> None:
        own = _core.get_thread_limit()
        try:
            while not stop.is_set():
                i, threads = take()
                if i is None:
                    return
                _core.set_thread_limit(threads)
                try:
                    runs[i].step()
                finally:
                    with lock:
                        busy[i] = False
        except BaseException as exc:  # KeyboardInterrupt too: stop the others
            errors.append(exc)
            stop.set()
        finally:
            _core.set_thread_limit(own)

    helpers = [threading.Thread(target=work, name=f"fastinit-run-{k}", daemon=True)
               for k in range(1, max(1, workers))]
    for h in helpers:
        h.start()
    try:
        work()
    finally:
        while True:  # a Ctrl-C while waiting for the helpers stops them too
            try:
                for h in helpers:
                    h.join()
                break
            except KeyboardInterrupt as exc:
                errors.append(exc)
                stop.set()
    interrupted = [e for e in errors if isinstance(e, KeyboardInterrupt)]
    failures = [e for e in errors if not isinstance(e, KeyboardInterrupt)]
    if failures:
        raise failures[0]
    if interrupted:
        for r in runs:
            if not r.finished:
                r.history.interrupted = True
    return [r.history for r in runs]
