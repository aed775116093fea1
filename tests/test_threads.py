"""Python threads: kernels release the GIL, concurrent calls give the serial
results, and the thread-count setting is safe to change from any thread."""
import os
import sys
import threading
import time

import numpy as np
import pytest

import fastinit
from fastinit import ops

from conftest import built_module

N_THREADS = 4


def _inputs(seed, dtype=np.float32, m=67, k=129, n=33):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((m, k)).astype(dtype)
    w = rng.standard_normal((k, n)).astype(dtype)
    b = rng.standard_normal(n).astype(dtype)
    labels = rng.integers(0, n, m)
    return x, w, b, labels


def _workload(seed, dtype=np.float32):
    """One call of each kernel family on inputs derived from `seed`."""
    x, w, b, labels = _inputs(seed, dtype)
    z = ops.affine(x, w, b, activation="tanh")
    loss, probs = ops.softmax_cross_entropy(ops.matmul(x, w), labels)
    dz = ops.softmax_cross_entropy_backward(probs, labels)
    return {
        "matmul": ops.matmul(x, w, trans_a=False), "affine": z,
        "sigmoid": ops.sigmoid(x), "relu": ops.relu(x), "leaky": ops.leaky_relu(x, 0.1),
        "tanh_backward": ops.tanh_backward(dz, z), "relu_backward": ops.relu_backward(x, x),
        "softmax": ops.softmax(x), "loss": np.array(loss), "dz": dz,
        "sum_rows": ops.sum_rows(dz),
    }


def _run_threads(target, n=N_THREADS):
    """Run target(i) in n threads started together; re-raise the first error."""
    errors, results = [], [None] * n
    barrier = threading.Barrier(n)

    def body(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_concurrent_calls_match_serial(dtype, threads):
    fastinit.set_num_threads(2)
    serial = [_workload(seed, dtype) for seed in range(N_THREADS)]
    for _ in range(3):
        concurrent = _run_threads(lambda i: [_workload(i, dtype) for _ in range(5)])
        for i, runs in enumerate(concurrent):
            for run in runs:
                for key, want in serial[i].items():
                    np.testing.assert_array_equal(run[key], want, err_msg=key)


def test_set_num_threads_from_many_threads(threads):
    """Threads race to change the setting while others compute: every result
    is still right (elementwise bitwise; reductions to rounding) and the
    setting ends as one of the values written."""
    fastinit.set_num_threads(1)
    serial = [_workload(seed) for seed in range(N_THREADS)]
    exact = ("sigmoid", "relu", "leaky", "softmax", "relu_backward")

    def body(i):
        rng = np.random.default_rng(i)
        for _ in range(15):
            fastinit.set_num_threads(int(rng.integers(1, 5)))
            got = _workload(i)
            for key, want in serial[i].items():
                if key in exact:
                    np.testing.assert_array_equal(got[key], want, err_msg=key)
                else:
                    np.testing.assert_allclose(got[key], want, rtol=1e-4, atol=1e-5,
                                               err_msg=key)
            assert 1 <= fastinit.get_num_threads() <= 4

    _run_threads(body)
    assert 1 <= fastinit.get_num_threads() <= 4


def test_thread_count_is_capped(threads):
    """An absurd request is capped (libgomp would kill the process when it
    cannot create the threads), and small work still runs."""
    fastinit.set_num_threads(10**6)
    n = fastinit.get_num_threads()
    assert 1 <= n <= max(64, 4 * (os.cpu_count() or 1))
    a = np.ones((64, 64), np.float32)
    np.testing.assert_array_equal(ops.matmul(a, a), np.full((64, 64), 64, np.float32))


def test_training_separate_nets_concurrently(threads):
    """Four threads each train their own net: the weights after the steps
    equal a serial run's bitwise."""
    net_mod, optim = built_module("fastinit.nn.net"), built_module("fastinit.nn.optim")
    if net_mod is None or optim is None:
        pytest.skip("fastinit.nn.net / fastinit.nn.optim are not built in this tree yet")
    fastinit.set_num_threads(1)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((64, 20)).astype(np.float32)
    t = rng.integers(0, 5, 64)

    def train(i):
        net = net_mod.MultiLayerNet(20, [16, 16], 5, activation="tanh", seed=i)
        opt = optim.Adam(lr=1e-2) if i % 2 else optim.SGD(lr=0.1)
        losses = [net.train_step(x, t, opt) for _ in range(10)]
        return losses, {k: v.copy() for k, v in net.params.items()}

    serial = [train(i) for i in range(N_THREADS)]
    concurrent = _run_threads(train)
    for (loss_s, params_s), (loss_c, params_c) in zip(serial, concurrent):
        assert loss_s == loss_c
        for key in params_s:
            np.testing.assert_array_equal(params_c[key], params_s[key], err_msg=key)


# ------------------------------------------------------------- GIL release

def _ran_during(kernel, seconds=0.3):
    """How many times the main thread ran Python code while another thread
    was inside `kernel`.

    The switch interval is made huge, so the interpreter never takes the GIL
    from a thread by force: the main thread can run only when the worker
    gives the GIL up itself, which, between `started.set()` and `done`,
    happens only inside `kernel`.  A kernel that holds the GIL gives 0."""
    state = {"phase": 0}
    started = threading.Event()

    def worker():
        state["phase"] = 1
        started.set()
        end = time.perf_counter() + seconds  # enough calls to span `seconds`
        while time.perf_counter() < end:
            kernel()
        state["phase"] = 2

    old = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    try:
        t = threading.Thread(target=worker)
        t.start()
        started.wait()
        ticks = 0
        while state["phase"] == 1:
            kernel()  # a second thread in the same kernel, overlapping the first
            ticks += 1
        t.join()
    finally:
        sys.setswitchinterval(old)
    return ticks


def _gil_kernels():
    rng = np.random.default_rng(0)
    big = rng.standard_normal(1 << 21).astype(np.float32)
    mat = rng.standard_normal((300, 300)).astype(np.float32)
    rows = rng.standard_normal((2048, 512)).astype(np.float32)
    labels = rng.integers(0, 512, 2048)
    return {
        "matmul": lambda: ops.matmul(mat, mat),
        "affine": lambda: ops.affine(mat, mat, mat[0], activation="sigmoid"),
        "tanh": lambda: ops.tanh(big),
        "relu_backward": lambda: ops.relu_backward(big, big),
        "softmax": lambda: ops.softmax(rows),
        "softmax_cross_entropy": lambda: ops.softmax_cross_entropy(rows, labels),
        "softmax_cross_entropy_backward":
            lambda: ops.softmax_cross_entropy_backward(rows, labels),
        "sum_rows": lambda: ops.sum_rows(rows),
    }


@pytest.mark.parametrize("name", sorted(_gil_kernels()))
def test_kernels_release_the_gil(name, threads):
    fastinit.set_num_threads(1)
    assert _ran_during(_gil_kernels()[name]) > 0, f"{name} holds the GIL while it computes"


def test_gil_probe_detects_a_kernel_that_holds_the_gil():
    """The probe above can fail: a C loop that keeps the GIL scores 0."""
    assert _ran_during(lambda: sum(range(200_000)), seconds=0.1) == 0
