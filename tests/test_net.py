"""MultiLayerNet: native vs numpy backends, backprop vs numerical gradient,
the symmetry claim of the book, bad input, the fused step's workspace."""
import tracemalloc

import numpy as np
import pytest

import fastinit
from fastinit.nn import optim as C
from fastinit.nn.net import MultiLayerNet
from fastinit.reference import optim as R

ACTS = ["relu", "sigmoid", "tanh", "leaky_relu"]
OPTS = ["SGD", "Momentum", "AdaGrad", "Adam"]
LR = {"SGD": 0.1, "Momentum": 0.05, "AdaGrad": 0.05, "Adam": 0.005}


def pair(act, dtype, **kw):
    args = dict(input_size=13, hidden_size_list=[17, 9, 11], output_size=5, activation=act,
                dtype=dtype, seed=7, **kw)
    return MultiLayerNet(backend="native", **args), MultiLayerNet(backend="numpy", **args)


def data(rng, n=300, d=13, k=5):
    x = rng.standard_normal((n, d))
    t = (np.abs(x[:, :k]).argmax(axis=1) + rng.integers(0, 2, n)) % k  # learnable, noisy
    return x, t


@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-10), (np.float32, 1e-4)])
@pytest.mark.parametrize("opt", OPTS)
@pytest.mark.parametrize("act", ACTS)
def test_backends_agree_over_200_steps(act, opt, dtype, rtol, rng):
    native, ref = pair(act, dtype, weight_decay_lambda=0.01)
    for k in native.params:
        np.testing.assert_array_equal(native.params[k], ref.params[k])
    o_native, o_ref = getattr(C, opt)(lr=LR[opt]), getattr(R, opt)(lr=LR[opt])
    x, t = data(rng)
    losses = []
    for _ in range(200):
        idx = rng.integers(0, len(x), 32)
        losses.append((native.train_step(x[idx], t[idx], o_native),
                       ref.train_step(x[idx], t[idx], o_ref)))
    losses = np.array(losses)
    np.testing.assert_allclose(losses[:, 0], losses[:, 1], rtol=rtol)
    assert losses[-20:, 0].mean() < losses[:20, 0].mean()  # it learned something
    for k in native.params:
        scale = np.abs(ref.params[k]).max()
        np.testing.assert_allclose(native.params[k], ref.params[k], rtol=rtol,
                                   atol=rtol * scale)


@pytest.mark.parametrize("backend", ["native", "numpy"])
@pytest.mark.parametrize("lam", [0.0, 0.3])
@pytest.mark.parametrize("act", ACTS)
def test_backprop_equals_numerical_gradient(act, lam, backend, rng):
    net = MultiLayerNet(6, [7, 5], 4, activation=act, dtype=np.float64, seed=3,
                        weight_decay_lambda=lam, backend=backend)
    for k in net.params:
        if k.startswith("b"):  # nonzero biases so their gradients are exercised
            net.params[k][:] = rng.standard_normal(net.params[k].shape) * 0.1
    x, t = rng.standard_normal((9, 6)), rng.integers(0, 4, 9)
    grads, num = net.gradient(x, t), net.numerical_gradient(x, t)
    assert grads.keys() == num.keys() == net.params.keys()
    for k in grads:
        # max relative error, relative to the largest entry of each gradient
        err = np.abs(grads[k] - num[k]).max() / np.abs(num[k]).max()
        assert err < 1e-6, (k, err)


@pytest.mark.parametrize("backend", ["native", "numpy"])
@pytest.mark.parametrize("onehot", [False, True])
def test_gradient_matches_across_backends(backend, onehot, rng):
    native, ref = pair("tanh", np.float64, weight_decay_lambda=0.1)
    x, t = data(rng, n=20)
    if onehot:
        t = np.eye(5)[t]
    g1, g2 = native.gradient(x, t), ref.gradient(x, t)
    for k in g1:
        np.testing.assert_allclose(g1[k], g2[k], rtol=1e-11, atol=1e-14)
    assert native.loss(x, t) == pytest.approx(ref.loss(x, t), rel=1e-12)
    assert native.accuracy(x, t) == ref.accuracy(x, t)
    np.testing.assert_allclose(native.predict(x), ref.predict(x), rtol=1e-12)


@pytest.mark.parametrize("backend", ["native", "numpy"])
def test_zero_weights_keep_hidden_units_identical(backend, rng):
    net = MultiLayerNet(8, [6, 6], 3, activation="sigmoid", weight_init_std=0.0,
                        dtype=np.float64, seed=0, backend=backend)
    x, t = data(rng, n=64, d=8, k=3)
    opt = C.SGD(0.5)
    for i in range(300):
        idx = rng.integers(0, 64, 16)
        net.train_step(x[idx], t[idx], opt)
    for key in ("W1", "W2"):
        W = net.params[key]
        assert np.abs(W).max() > 0 or key == "W1"  # training moved something
        same = W[:, :1] * np.ones((1, W.shape[1]))
        if backend == "native":  # each column of a product is one FMA chain: bit-identical
            np.testing.assert_array_equal(W, same)
        else:  # NumPy's BLAS may round a column by where it falls in its tile (OpenBLAS 0.3.20)
            np.testing.assert_allclose(W, same, rtol=1e-13, atol=0)
    assert np.abs(net.params["W3"]).max() > 0


def test_random_weights_break_symmetry(rng):
    net = MultiLayerNet(8, [6, 6], 3, activation="sigmoid", weight_init_std=0.3,
                        dtype=np.float64, seed=0)
    x, t = data(rng, n=64, d=8, k=3)
    opt = C.SGD(0.5)
    for i in range(50):
        net.train_step(x, t, opt)
    W1 = net.params["W1"]
    assert np.abs(W1 - W1[:, :1]).max() > 1e-3
    assert np.ptp(net.params["b1"]) > 1e-6  # zero biases moved apart too


@pytest.mark.parametrize("backend", ["native", "numpy"])
def test_bad_input_raises_clear_errors(backend):
    net = MultiLayerNet(4, [3], 2, backend=backend)
    x, t = np.zeros((5, 4), np.float32), np.zeros(5, int)
    opt = C.SGD()
    with pytest.raises(ValueError, match="features"):
        net.train_step(np.zeros((5, 3)), t, opt)
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        net.train_step(x, np.array([0, 1, 2, 0, 1]), opt)
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        net.loss(x, np.array([0, 1, -1, 0, 1]))
    with pytest.raises(ValueError, match="mismatched batch sizes"):
        net.train_step(x, np.zeros(4, int), opt)
    with pytest.raises(ValueError, match="mismatched batch sizes"):
        net.gradient(x, np.zeros((6, 2)))
    with pytest.raises(ValueError, match="one-hot"):
        net.accuracy(x, np.zeros((5, 3)))
    with pytest.raises(ValueError, match="empty batch"):
        net.predict(np.zeros((0, 4)))
    with pytest.raises(ValueError, match="batch of shape"):
        net.predict(np.zeros(4))
    with pytest.raises(TypeError):
        net.train_step(x, np.zeros(5), opt)  # float labels
    with pytest.raises(TypeError):
        net.predict(np.array([["a"] * 4]))
    net.params["W1"] = np.zeros((5, 3), np.float32)
    with pytest.raises(ValueError, match="W1"):
        net.train_step(x, t, opt)
    net.params["W1"] = np.zeros((4, 3))  # float64 in a float32 net
    with pytest.raises(ValueError, match="float32"):
        net.train_step(x, t, opt)


def test_constructor_errors():
    with pytest.raises(ValueError, match="activation"):
        MultiLayerNet(4, [3], 2, activation="softplus")
    with pytest.raises(ValueError, match="backend"):
        MultiLayerNet(4, [3], 2, backend="cuda")
    with pytest.raises(ValueError):
        MultiLayerNet(0, [3], 2)
    with pytest.raises(ValueError):
        MultiLayerNet(4, [0], 2)
    with pytest.raises(TypeError):
        MultiLayerNet(4, [3], 2, dtype=np.int32)
    with pytest.raises(ValueError, match="weight_decay_lambda"):
        MultiLayerNet(4, [3], 2, weight_decay_lambda=-1)
    with pytest.raises(ValueError, match="hidden layers"):
        MultiLayerNet(4, [3] * 64, 2)


@pytest.mark.parametrize("backend", ["native", "numpy"])
def test_nan_loss_is_reported_not_raised(backend):
    net = MultiLayerNet(4, [3], 2, backend=backend, dtype=np.float64)
    x = np.zeros((2, 4))
    x[0, 0] = np.nan
    assert np.isnan(net.train_step(x, np.array([0, 1]), C.SGD()))
    assert np.isnan(net.loss(x, np.array([0, 1])))


def test_inputs_are_cast_and_flattened(rng):
    net = MultiLayerNet(12, [5], 3, dtype=np.float32, seed=0)
    x = rng.integers(0, 255, (4, 3, 4)).astype(np.uint8)
    logits = net.predict(x)
    assert logits.dtype == np.float32 and logits.shape == (4, 3)
    np.testing.assert_allclose(logits, net.predict(x.reshape(4, 12).astype(np.float64)))
    x64 = rng.standard_normal((4, 12))[:, ::1].T.copy().T  # F-ordered float64
    assert np.isfinite(net.train_step(x64, np.array([0, 1, 2, 0]), C.SGD()))
    onehot64 = np.eye(3)[[0, 1, 2, 0]]  # float64 one-hot rows on a float32 net
    assert net.loss(x64, onehot64) == pytest.approx(net.loss(x64, np.array([0, 1, 2, 0])),
                                                    rel=1e-6)


def test_replaced_params_are_used(rng):
    net = MultiLayerNet(5, [4], 3, dtype=np.float64, seed=0)
    ref = MultiLayerNet(5, [4], 3, dtype=np.float64, seed=1, backend="numpy")
    x, t = rng.standard_normal((6, 5)), rng.integers(0, 3, 6)
    net.train_step(x, t, C.SGD())  # binds the old arrays
    net.params = {k: v.copy() for k, v in ref.params.items()}
    assert net.loss(x, t) == pytest.approx(ref.loss(x, t), rel=1e-12)
    assert net.train_step(x, t, C.SGD()) == pytest.approx(ref.train_step(x, t, R.SGD()),
                                                          rel=1e-12)
    np.testing.assert_allclose(net.layers["Affine1"].W, ref.params["W1"], rtol=1e-12)


def test_workspace_is_kept_until_the_batch_size_changes(rng):
    net = MultiLayerNet(20, [30, 30], 4, seed=0)
    opt = C.Momentum(0.01)
    x, t = rng.standard_normal((64, 20)).astype(np.float32), rng.integers(0, 4, 64)
    net.train_step(x[:16], t[:16], opt)
    nbytes = net._fused.workspace_bytes
    assert net._fused.batch == 16 and nbytes > 0
    for _ in range(3):
        net.train_step(x[16:32], t[16:32], opt)
    assert net._fused.batch == 16 and net._fused.workspace_bytes == nbytes
    net.train_step(x[:40], t[:40], opt)
    assert net._fused.batch == 40 and net._fused.workspace_bytes > nbytes


@pytest.mark.parametrize("opt", OPTS)
def test_fused_step_allocates_nothing_per_step(opt, rng):
    """NumPy/Python allocations per step (tracemalloc sees NumPy buffers):
    only small scalars and a few temporary lists, never an array."""
    net = MultiLayerNet(100, [64, 64], 10, seed=0)
    o = getattr(C, opt)(lr=0.01)
    x = rng.standard_normal((32, 100)).astype(np.float32)
    t = rng.integers(0, 10, 32)
    for _ in range(3):
        net.train_step_checked(x, t, None, o)
    grown = []
    tracemalloc.start()
    try:
        # three windows of 200 steps: an array made per step shows in every
        # window, while a one-off cache fill in Python or NumPy (seen once on
        # NumPy 1.23) shows in one at most
        for _ in range(3):
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            for _ in range(200):
                net.train_step_checked(x, t, None, o)
            current, peak = tracemalloc.get_traced_memory()
            grown.append((peak - base, current - base))
    finally:
        tracemalloc.stop()
    smallest_array = 32 * 10 * 4
    assert min(p for p, _ in grown) < smallest_array, grown
    assert min(c for _, c in grown) < 1024, grown


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


@pytest.mark.skipif(not __import__("os").path.exists("/proc/self/statm"), reason="Linux only")
def test_rss_flat_over_10000_steps(rng):
    net = MultiLayerNet(50, [32, 32], 10, seed=0)
    opt = C.Adam(0.001)
    x = rng.standard_normal((16, 50)).astype(np.float32)
    t = rng.integers(0, 10, 16)
    for _ in range(100):
        net.train_step_checked(x, t, None, opt)
    before = _rss_bytes()
    for _ in range(10000):
        net.train_step_checked(x, t, None, opt)
    assert _rss_bytes() - before < 1 << 20


def test_train_step_with_a_users_optimizer(rng):
    class Halve:
        def update(self, params, grads):
            for k in params:
                params[k] -= 0.5 * grads[k]
    net, ref = pair("relu", np.float64)
    x, t = data(rng, n=10)
    for _ in range(5):
        assert net.train_step(x, t, Halve()) == pytest.approx(
            ref.train_step(x, t, R.SGD(0.5)), rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_simd_sets_and_threads_agree(dtype, rng, simd, threads):
    x, t = data(rng, n=128, d=13)
    results = []
    for nt in (1, 2):
        fastinit.set_num_threads(nt)
        net, _ = pair("tanh", dtype)
        opt = C.Adam(0.01)
        results.append([net.train_step(x, t, opt) for _ in range(20)])
    np.testing.assert_allclose(results[0], results[1], rtol=1e-4 if dtype == np.float32
                               else 1e-12)


# Wide enough (and batches long enough) that the fused step splits its rows
# over two threads; the small nets above always run on one.
WIDE = dict(input_size=257, hidden_size_list=[300, 129], output_size=10)


def wide_data(rng, n, onehot=False):
    x, t = data(rng, n=n, d=WIDE["input_size"], k=WIDE["output_size"])
    return x, (np.eye(WIDE["output_size"])[t] if onehot else t)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("opt", OPTS)
@pytest.mark.parametrize("batch", [7, 17, 129, 1000])
def test_fused_step_gives_the_same_bits_on_1_and_2_threads(dtype, opt, batch, rng, threads):
    x, t = wide_data(rng, batch, onehot=batch == 17)
    runs = []
    for nt in (1, 2):
        fastinit.set_num_threads(nt)
        assert fastinit.get_num_threads() == nt
        net = MultiLayerNet(**WIDE, activation="relu" if batch % 2 else "tanh", dtype=dtype,
                            seed=5, weight_decay_lambda=0.01 if opt != "SGD" else 0.02)
        o = getattr(C, opt)(lr=LR[opt])
        losses = [net.train_step(x, t, o) for _ in range(3)]
        runs.append((losses, net.params))
    assert runs[0][0] == runs[1][0]
    for k in runs[0][1]:
        np.testing.assert_array_equal(runs[0][1][k], runs[1][1][k], err_msg=k)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("opt", ["SGD", "Adam"])
@pytest.mark.parametrize("batch", [1, 3, 17, 129, 1000])
def test_any_split_of_the_team_gives_the_same_bits(dtype, opt, batch, rng, threads):
    """The step cuts rows (and rows of W) into one pool part per thread;
    every count of parts, each run by whichever thread claims it (3 and 4
    oversubscribe two cores), leaves every bit alone."""
    x, t = wide_data(rng, batch, onehot=batch == 17)
    runs = []
    for nt in (1, 2, 3, 4, 2):
        fastinit.set_num_threads(nt)
        net = MultiLayerNet(**WIDE, activation="relu", dtype=dtype, seed=5,
                            weight_decay_lambda=0.01)
        o = getattr(C, opt)(lr=LR[opt])
        losses = [net.train_step(x, t, o)]  # makes the workspace
        for _ in range(3):
            losses.append(net.train_step(x, t, o))
        runs.append((losses, net.params))
    for losses, params in runs[1:]:
        assert losses == runs[0][0]
        for k in params:
            np.testing.assert_array_equal(params[k], runs[0][1][k], err_msg=k)


@pytest.mark.parametrize("hidden", [[], [64]])
@pytest.mark.parametrize("opt", ["SGD", "Momentum"])
def test_shallow_fused_step_gives_the_same_bits_on_1_and_2_threads(hidden, opt, rng, threads):
    """No hidden layer (no backward chain: the barrier is all that orders
    dLoss/dlogits before the weight gradient) and one, on a batch long
    enough for two threads."""
    x, t = data(rng, n=1000, d=WIDE["input_size"], k=WIDE["output_size"])
    runs = []
    for nt in (1, 2):
        fastinit.set_num_threads(nt)
        net = MultiLayerNet(WIDE["input_size"], hidden, WIDE["output_size"], dtype=np.float32,
                            seed=4, weight_decay_lambda=0.01)
        o = getattr(C, opt)(lr=LR[opt])
        runs.append(([net.train_step(x, t, o) for _ in range(3)], net.params))
    assert runs[0][0] == runs[1][0]
    for k in runs[0][1]:
        np.testing.assert_array_equal(runs[0][1][k], runs[1][1][k], err_msg=k)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("opt", ["SGD", "Adam"])
@pytest.mark.parametrize("onehot", [False, True])
@pytest.mark.parametrize("nt", [1, 2])
def test_gathered_step_equals_step_on_gathered_rows(dtype, opt, onehot, nt, rng, threads):
    """The native step given row indices (what train() does) gathers the
    batch itself and gives the bits of the step on x[rows], t[rows], for
    repeated rows, batch sizes 1/17/129, and when it alternates with plain
    steps (the workspace changes layout)."""
    fastinit.set_num_threads(nt)
    x, t = wide_data(rng, 300, onehot=onehot)
    nets = [MultiLayerNet(**WIDE, activation="relu", dtype=dtype, seed=3) for _ in range(2)]
    opts = [getattr(C, opt)(lr=LR[opt]) for _ in range(2)]
    xs, labels, hot = nets[0].check_data(x, t)
    for batch in (129, 1, 17, 129):
        rows = rng.integers(0, 300, batch)
        rows[0] = rows[-1]  # a repeated row
        plain = nets[0].train_step(x[rows], t[rows], opts[0])
        gathered = nets[1].train_step_checked(xs, labels, hot, opts[1], rows=rows)
        assert plain == gathered
        assert nets[0].train_step(x[:50], t[:50], opts[0]) == \
            nets[1].train_step(x[:50], t[:50], opts[1])
    for k in nets[0].params:
        np.testing.assert_array_equal(nets[0].params[k], nets[1].params[k], err_msg=k)


@pytest.mark.parametrize("backend", ["native", "numpy"])
def test_gathered_step_rejects_rows_out_of_range(backend, rng):
    net = MultiLayerNet(**WIDE, activation="relu", backend=backend, seed=3)
    x, labels, hot = net.check_data(*wide_data(rng, 40))
    before = {k: v.copy() for k, v in net.params.items()}
    for bad in (40, -1, 10**12):
        rows = np.array([0, 5, bad, 7], dtype=np.int64)
        with pytest.raises(IndexError, match="out of range"):
            net.train_step_checked(x, labels, hot, C.SGD(lr=0.1), rows=rows)
    for k in before:
        np.testing.assert_array_equal(net.params[k], before[k])


@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-10), (np.float32, 2e-4)])
@pytest.mark.parametrize("opt", OPTS)
@pytest.mark.parametrize("act,onehot", [("relu", False), ("sigmoid", True),
                                        ("leaky_relu", False), ("tanh", True)])
def test_fused_step_on_2_threads_matches_the_reference(act, onehot, opt, dtype, rtol, rng,
                                                       threads):
    fastinit.set_num_threads(2)
    args = dict(WIDE, activation=act, dtype=dtype, seed=11, weight_decay_lambda=0.01)
    native, ref = MultiLayerNet(backend="native", **args), MultiLayerNet(backend="numpy", **args)
    o_native, o_ref = getattr(C, opt)(lr=LR[opt]), getattr(R, opt)(lr=LR[opt])
    for n in (129, 64, 129):  # a batch size change reallocates the workspace
        x, t = wide_data(rng, n, onehot)
        assert native.train_step(x, t, o_native) == pytest.approx(
            ref.train_step(x, t, o_ref), rel=rtol)
    # AdaGrad's first steps are about lr * sign(g): where |g| is near eps, a
    # float32 rounding of g moves a weight by a fraction of lr (seen: 2%).
    slack = 0.05 * LR[opt] if opt == "AdaGrad" and dtype == np.float32 else 0.0
    for k in native.params:
        scale = np.abs(ref.params[k]).max()
        np.testing.assert_allclose(native.params[k], ref.params[k], rtol=rtol,
                                   atol=max(rtol * scale, slack), err_msg=k)


@pytest.mark.parametrize("opt", OPTS)
def test_either_optimizer_family_works_on_either_backend(opt, rng):
    x, t = data(rng, n=40)
    runs = []
    for backend in ("native", "numpy"):
        for family in (C, R):
            net = MultiLayerNet(13, [8], 5, dtype=np.float64, seed=2, backend=backend)
            o = getattr(family, opt)(lr=LR[opt])
            runs.append([net.train_step(x, t, o) for _ in range(10)])
    for r in runs[1:]:
        np.testing.assert_allclose(r, runs[0], rtol=1e-12)


def _seen_by_general_path(net, monkeypatch):
    """Count the steps that take the general (Python-checked) path."""
    calls = []
    general = net._fused_step

    def counted(*args, **kw):
        calls.append(1)
        return general(*args, **kw)
    monkeypatch.setattr(net, "_fused_step", counted)
    return calls


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("opt_family", [C, R])
def test_sgd_fast_path_gives_the_bits_of_the_general_path(dtype, opt_family, rng, monkeypatch):
    """Plain arrays (C-contiguous, the net's dtype, int64 labels) skip the
    Python checks; a net fed int32 labels and Fortran-ordered x takes the
    general path.  Same losses and weights, bit for bit."""
    fast, general = (MultiLayerNet(17, [33, 9], 5, dtype=dtype, seed=2,
                                   weight_decay_lambda=0.01) for _ in range(2))
    x, t = data(rng, n=129, d=17, k=5)
    x = x.astype(dtype)
    general_calls = _seen_by_general_path(fast, monkeypatch)
    o_fast, o_general = opt_family.SGD(lr=0.1), opt_family.SGD(lr=0.1)
    for i in range(12):
        idx = rng.integers(0, len(x), 3 if i % 4 == 3 else 64)
        xb, tb = x[idx], t[idx].astype(np.int64)
        assert fast.train_step(xb, tb, o_fast) == general.train_step(
            np.asfortranarray(xb), tb.astype(np.int32), o_general)
    assert len(general_calls) == 1  # the first step binds the arrays; the rest are fast
    for k in fast.params:
        np.testing.assert_array_equal(fast.params[k], general.params[k], err_msg=k)


def test_sgd_fast_path_still_checks_labels_and_follows_changes(rng, monkeypatch):
    net = MultiLayerNet(6, [8], 3, dtype=np.float64, seed=0)
    ref = MultiLayerNet(6, [8], 3, dtype=np.float64, seed=0, backend="numpy")
    x, t = rng.standard_normal((10, 6)), rng.integers(0, 3, 10)
    o, o_ref = C.SGD(lr=0.1), R.SGD(lr=0.1)
    assert net.train_step(x, t, o) == pytest.approx(ref.train_step(x, t, o_ref), rel=1e-12)
    general_calls = _seen_by_general_path(net, monkeypatch)
    before = {k: v.copy() for k, v in net.params.items()}
    for bad in (3, -1, 2**62):
        with pytest.raises(ValueError, match=r"\[0, 3\)"):
            net.train_step(x, np.where(np.arange(10) == 7, bad, t), o)
    for k in before:
        np.testing.assert_array_equal(net.params[k], before[k], err_msg=k)
    with pytest.raises(ValueError, match="mismatched batch sizes"):
        net.train_step(x, t[:9], o)
    with pytest.raises(ValueError, match="features"):
        net.train_step(x[:, :5].copy(), t, o)
    # a new learning rate, a new weight decay and replaced params all take effect
    o.lr = o_ref.lr = 0.3
    net.weight_decay_lambda = ref.weight_decay_lambda = 0.2
    assert net.train_step(x, t, o) == pytest.approx(ref.train_step(x, t, o_ref), rel=1e-12)
    ref.params["W1"] = rng.standard_normal((6, 8))
    net.params["W1"] = ref.params["W1"].copy()
    assert net.train_step(x, t, o) == pytest.approx(ref.train_step(x, t, o_ref), rel=1e-12)
    for k in net.params:
        np.testing.assert_allclose(net.params[k], ref.params[k], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(net.layers["Affine1"].W, net.params["W1"])
    # the bad inputs raised before any step; only the replaced W1 rebinds
    assert len(general_calls) == 1


def test_train_takes_the_sgd_fast_path_with_the_bits_of_the_general_path(rng, monkeypatch):
    """train() gathers each batch inside the step (rows); an SGD subclass
    takes the general path, the exact class the fast one."""
    from fastinit.nn.train import train

    class MySGD(C.SGD):
        pass

    x, t = data(rng, n=300, d=13, k=5)
    results = []
    for opt in (C.SGD(lr=0.1), MySGD(lr=0.1)):
        net = MultiLayerNet(13, [17, 9], 5, dtype=np.float32, seed=4)
        general_calls = _seen_by_general_path(net, monkeypatch)
        hist = train(net, x, t, optimizer=opt, iterations=40, batch_size=17, seed=3,
                     progress=False)
        results.append((hist.loss, net.params, len(general_calls)))
    (fast_losses, fast_params, fast_calls), (losses, params, calls) = results
    assert (fast_calls, calls) == (1, 40)
    assert fast_losses == losses
    for k in params:
        np.testing.assert_array_equal(fast_params[k], params[k], err_msg=k)
