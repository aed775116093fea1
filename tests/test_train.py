"""fastinit.train: the mini-batch loop, history, evaluation, callbacks,
Ctrl-C and divergence."""
import numpy as np
import pytest

from fastinit import optim as C
from fastinit.net import MultiLayerNet
from fastinit.train import History, train


def problem(rng, n=200):
    x = rng.standard_normal((n, 10))
    t = (x[:, :3].argmax(axis=1)).astype(np.int64)
    return x, t


def test_history_and_learning(rng):
    x, t = problem(rng)
    net = MultiLayerNet(10, [16], 3, seed=0)
    h = train(net, x, t, iterations=300, batch_size=20, optimizer=C.SGD(0.2), seed=1,
              progress=False, eval_every=100, x_val=x[:50], t_val=t[:50])
    assert isinstance(h, History) and h.iterations == 300 and not h.interrupted
    assert h.eval_iterations == [100, 200, 300]
    assert len(h.train_acc) == len(h.val_acc) == 3
    assert np.mean(h.loss[-30:]) < 0.6 * np.mean(h.loss[:30])
    assert h.train_acc[-1] > 0.8
    assert h.train_acc[-1] == net.accuracy(x, t)


def test_same_seed_same_trajectory_on_both_backends(rng):
    x, t = problem(rng)
    hs = []
    for backend in ("native", "numpy", "native"):
        net = MultiLayerNet(10, [16, 8], 3, activation="tanh", dtype=np.float64, seed=0,
                            backend=backend)
        hs.append(train(net, x, t, iterations=100, batch_size=16, optimizer=C.Momentum(0.05),
                        seed=5, progress=False))
    np.testing.assert_array_equal(hs[0].loss, hs[2].loss)
    np.testing.assert_allclose(hs[0].loss, hs[1].loss, rtol=1e-10)


def test_onehot_targets(rng):
    x, t = problem(rng)
    a = train(MultiLayerNet(10, [8], 3, seed=0, dtype=np.float64), x, t, iterations=20,
              batch_size=8, optimizer=C.SGD(0.1), seed=0, progress=False)
    b = train(MultiLayerNet(10, [8], 3, seed=0, dtype=np.float64), x, np.eye(3)[t],
              iterations=20, batch_size=8, optimizer=C.SGD(0.1), seed=0, progress=False)
    np.testing.assert_allclose(a.loss, b.loss, rtol=1e-12)


def test_callback_can_stop(rng):
    x, t = problem(rng)
    seen = []

    def cb(it, loss, net):
        seen.append((it, loss))
        return it == 9

    h = train(MultiLayerNet(10, [8], 3, seed=0), x, t, iterations=100, batch_size=8,
              optimizer=C.SGD(), callback=cb, progress=False)
    assert h.iterations == 10 and [s[0] for s in seen] == list(range(10))
    assert [s[1] for s in seen] == h.loss


def test_ctrl_c_returns_history_so_far(rng):
    x, t = problem(rng)

    def cb(it, loss, net):
        if it == 4:
            raise KeyboardInterrupt

    h = train(MultiLayerNet(10, [8], 3, seed=0), x, t, iterations=100, batch_size=8,
              optimizer=C.SGD(), callback=cb, progress=False)
    assert h.interrupted and h.iterations == 5


def test_divergence_raises_with_history(rng):
    x, t = problem(rng)
    net = MultiLayerNet(10, [64, 64], 3, weight_init_std=10.0, seed=0)
    with pytest.raises(ValueError, match="diverged") as info:
        train(net, x * 1e3, t, iterations=200, batch_size=8, optimizer=C.SGD(1e6),
              progress=False)
    assert isinstance(info.value.history, History)
    assert all(np.isfinite(info.value.history.loss))


def test_progress_bar_runs(rng, capsys):
    pytest.importorskip("tqdm")
    x, t = problem(rng)
    h = train(MultiLayerNet(10, [8], 3, seed=0), x, t, iterations=60, batch_size=8,
              optimizer=C.SGD(), progress=True)
    assert h.iterations == 60
    assert "/60" in capsys.readouterr().err  # the bar was drawn on stderr


def test_argument_errors(rng):
    x, t = problem(rng)
    net = MultiLayerNet(10, [8], 3)
    kw = dict(iterations=5, batch_size=4, optimizer=C.SGD(), progress=False)
    with pytest.raises(ValueError, match="batch_size"):
        train(net, x, t, **{**kw, "batch_size": 0})
    with pytest.raises(ValueError, match="features"):
        train(net, x[:, :5], t, **kw)
    with pytest.raises(ValueError, match="mismatched"):
        train(net, x, t[:-1], **kw)
    with pytest.raises(ValueError, match="x_val"):
        train(net, x, t, x_val=x, **kw)
    with pytest.raises(ValueError, match="features"):
        train(net, x, t, x_val=x[:, :2], t_val=t, **kw)
    assert train(net, x, t, **{**kw, "iterations": 0}).loss == []


def test_real_sigint_stops_cleanly(rng):
    import os
    import signal
    import threading

    x, t = problem(rng)
    net = MultiLayerNet(10, [64, 64], 3, seed=0)
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        h = train(net, x, t, iterations=10 ** 7, batch_size=32, optimizer=C.SGD(0.01),
                  progress=False)
    finally:
        timer.cancel()
    assert h.interrupted and 0 < h.iterations < 10 ** 7
    assert len(h.loss) == h.iterations and all(np.isfinite(h.loss))
    assert np.isfinite(net.loss(x, t))  # the net is usable afterwards
