"""fastinit.nn.train: the mini-batch loop, history, evaluation, callbacks,
Ctrl-C and divergence."""
import numpy as np
import pytest

from fastinit.nn import optim as C
from fastinit.nn.net import MultiLayerNet
from fastinit.nn.train import History, train


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


def test_real_sigint_stops_cleanly(rng, interactive_sigint):
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


# --------------------------------------------------------------------------
# Runs side by side (what init_comparison does with several inits)
# --------------------------------------------------------------------------

def _runs(x, t, n, callback=None, **kw):
    from fastinit.nn.train import Run
    return [Run(MultiLayerNet(10, [32, 16], 3, seed=k, weight_init_std=kw.get("std", "he")),
                x, t, iterations=kw.get("iterations", 80), batch_size=16,
                optimizer=C.SGD(kw.get("lr", 0.1)), seed=k, progress=False,
                callback=callback)
            for k in range(n)]


@pytest.mark.parametrize("workers", [1, 2, 3, 5])
def test_side_by_side_gives_the_bits_of_one_by_one(workers, rng, threads):
    """Interleaved on threads, each run's losses and weights are those of
    train() alone; the runs all finish (more workers than runs too)."""
    from fastinit.nn.train import run_side_by_side
    x, t = problem(rng)
    runs = _runs(x, t, 3)
    histories = run_side_by_side(runs, workers)
    assert [h.iterations for h in histories] == [80, 80, 80]
    assert all(r.finished and not h.interrupted for r, h in zip(runs, histories))
    for k, (run, h) in enumerate(zip(runs, histories)):
        net = MultiLayerNet(10, [32, 16], 3, seed=k, weight_init_std="he")
        alone = train(net, x, t, iterations=80, batch_size=16, optimizer=C.SGD(0.1), seed=k,
                      progress=False)
        assert h.loss == alone.loss
        for key in net.params:
            np.testing.assert_array_equal(run.net.params[key], net.params[key], err_msg=key)


def test_side_by_side_stops_all_runs_on_an_error_or_ctrl_c(rng):
    from fastinit.nn.train import run_side_by_side
    x, t = problem(rng)
    # one run diverges: its error is raised and the others stop early
    runs = _runs(x * 1e3, t, 1, std=10.0, lr=1e6, iterations=200) + _runs(x, t, 2,
                                                                          iterations=5000)
    with pytest.raises(ValueError, match="diverged"):
        run_side_by_side(runs, 2)
    assert all(r.done < 5000 for r in runs[1:])

    def cb(it, loss, net):  # Ctrl-C in whichever thread steps this run
        if it == 4 and net is runs[0].net:
            raise KeyboardInterrupt
    runs = _runs(x, t, 3, callback=cb, iterations=3000)
    histories = run_side_by_side(runs, 2)
    assert all(h.interrupted for h in histories)
    assert histories[0].iterations == 5 and all(r.done < 3000 for r in runs)


def test_thread_limit_is_per_python_thread(threads):
    """set_thread_limit caps the kernels called from one Python thread; the
    others keep the process-wide count."""
    import threading
    import fastinit
    from fastinit import _core
    if fastinit.get_num_threads() < 2:
        pytest.skip("needs 2 threads")
    seen = {}

    def limited():
        _core.set_thread_limit(1)
        seen["helper"] = (_core.get_thread_limit(), fastinit.get_num_threads())

    th = threading.Thread(target=limited)
    th.start()
    th.join()
    assert seen["helper"] == (1, 1)
    assert fastinit.get_num_threads() >= 2


def test_side_by_side_argument_errors(rng):
    from fastinit.nn.train import Run, run_side_by_side
    x, t = problem(rng)
    with pytest.raises(TypeError, match="runs"):
        run_side_by_side(5, 2)
    with pytest.raises(TypeError, match="Run objects"):
        run_side_by_side([5], 2)
    with pytest.raises(ValueError, match="workers"):
        run_side_by_side(_runs(x, t, 1), 0)
    with pytest.raises(TypeError, match="net"):
        Run(5, x, t, iterations=3, batch_size=4, optimizer=C.SGD())
    run = _runs(x, t, 1, iterations=3)[0]
    assert run_side_by_side(run, 2)[0].iterations == 3  # one Run on its own
