"""``train``: the seeds' mini-batch training loop (sample a batch, one
optimizer step, record the loss) around ``MultiLayerNet.train_step``."""
import dataclasses
import math
import warnings

import numpy as np

from ._validate import index
from .random import as_generator

__all__ = ["train", "History"]


@dataclasses.dataclass
class History:
    """What ``train`` recorded.

    loss : list of float, one per completed iteration.
    eval_iterations, train_acc, val_acc : the iterations at which the net
        was evaluated (every ``eval_every``) and the accuracies there
        (``val_acc`` empty without validation data).
    interrupted : True when Ctrl-C stopped the loop early.
    """
    loss: list = dataclasses.field(default_factory=list)
    eval_iterations: list = dataclasses.field(default_factory=list)
    train_acc: list = dataclasses.field(default_factory=list)
    val_acc: list = dataclasses.field(default_factory=list)
    interrupted: bool = False

    @property
    def iterations(self):
        return len(self.loss)


def _progress_bar(total, enabled):
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        warnings.warn("tqdm is not installed (pip install \"fastinit[progress]\"); "
                      "training without a progress bar", stacklevel=3)
        return None
    return tqdm(total=total, unit="it", leave=False)


def _batch_indices(gen, n, batch_size, iterations, block=256):
    """Yield one index array per iteration, drawn ``block`` iterations at a
    time (one generator call, not one per step)."""
    done = 0
    while done < iterations:
        rows = min(block, iterations - done)
        yield from gen.integers(0, n, size=(rows, batch_size))
        done += rows


def train(net, x, t, *, iterations, batch_size, optimizer, seed=None, callback=None,
          progress=True, eval_every=None, x_val=None, t_val=None):
    """Train ``net`` for ``iterations`` mini-batch steps and return a History.

    Each iteration draws ``batch_size`` sample indices uniformly with
    replacement (as the seeds' ``np.random.choice(train_size, batch_size)``)
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
    iterations = index(iterations, "iterations")
    batch_size = index(batch_size, "batch_size", minimum=1)
    if eval_every is not None:
        eval_every = index(eval_every, "eval_every", minimum=1)
    if (x_val is None) != (t_val is None):
        raise ValueError("give both x_val and t_val, or neither")
    x, labels, onehot = net._data(x, t)
    target = labels if labels is not None else onehot
    if x_val is not None:
        net._data(x_val, t_val)  # fail early on bad validation data
    gen = as_generator(seed)
    draws = _batch_indices(gen, x.shape[0], batch_size, iterations)
    native = net.backend == "native"
    if not native:
        xb = np.empty((batch_size, x.shape[1]), dtype=x.dtype)
        tb = np.empty((batch_size,) + target.shape[1:], dtype=target.dtype)
    history = History()
    bar = _progress_bar(iterations, progress)
    try:
        for it in range(iterations):
            idx = next(draws)
            if native:
                loss = net._train_step(x, labels, onehot, optimizer, rows=idx)
            else:
                # the indices are in range by construction; mode="raise" (the
                # default) would copy through a temporary (2.6x slower here)
                np.take(x, idx, axis=0, out=xb, mode="clip")
                np.take(target, idx, axis=0, out=tb, mode="clip")
                loss = net._train_step(xb, tb if labels is not None else None,
                                       None if labels is not None else tb, optimizer)
            if not math.isfinite(loss):
                err = ValueError(f"the loss became {loss} at iteration {it}: training "
                                 "diverged (lower the learning rate or the init scale)")
                err.history = history
                raise err
            history.loss.append(loss)
            if bar is not None:
                bar.update(1)
                if it % 50 == 0:
                    bar.set_postfix(loss=f"{loss:.4f}", refresh=False)
            if eval_every and ((it + 1) % eval_every == 0 or it + 1 == iterations):
                history.eval_iterations.append(it + 1)
                history.train_acc.append(net.accuracy(x, target))
                if x_val is not None:
                    history.val_acc.append(net.accuracy(x_val, t_val))
            if callback is not None and callback(it, loss, net):
                break
    except KeyboardInterrupt:
        history.interrupted = True
    finally:
        if bar is not None:
            bar.close()
    return history
