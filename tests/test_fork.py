"""fastinit in forked children (issue 26): a child process started by
os.fork, a multiprocessing pool, or a DataLoader's workers after the
parent used fastinit's threads returns, and gives the parent's bits.

Every case has a watchdog: a child that has not answered after WATCHDOG
seconds is killed and the test fails (it never hangs the suite).  The
parent runs on 2 threads (the default count, made sure of with
set_num_threads(2)); the children keep the default thread setting.
"""
import hashlib
import multiprocessing
import os
import signal
import threading
import time

import numpy as np
import pytest

import fastinit
from fastinit import init, ops
from fastinit.random import Generator

# Seconds a child may take before it counts as hung.  Every job below
# takes well under a second.
WATCHDOG = 20
# Above the elements at which the kernels split work across threads.
BIG = 2_000_000

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str((a.dtype, a.shape)).encode())
        h.update(a.tobytes())
    return h.hexdigest()


# --------------------------------------------------------------------------
# The jobs: each returns the digest of what one kernel family computes from
# a fixed seed.  Top level, so a spawned or forkserver child can import them.
# --------------------------------------------------------------------------

def gemm_job():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((512, 512)).astype(np.float32)
    b = rng.standard_normal((512, 512)).astype(np.float32)
    return digest(ops.matmul(a, b))


def normal_job():
    return digest(Generator(2).normal(size=BIG, dtype=np.float32))


def uniform_job():
    return digest(Generator(3).uniform(size=BIG, dtype=np.float32))


def sigmoid_job():
    x = np.random.default_rng(4).standard_normal(BIG).astype(np.float32)
    return digest(ops.sigmoid(x))


def histogram_job():
    x = np.random.default_rng(5).standard_normal(BIG).astype(np.float32)
    counts, edges = ops.histogram(x, bins=64)
    return digest(np.asarray(counts), np.asarray(edges))


def _small_data(seed, n=512, d=64, classes=10):
    rng = np.random.default_rng(100 + seed)
    return rng.random((n, d)).astype(np.float32), rng.integers(0, classes, n)


def train_step_job():
    """The fused native training step, a few times on one batch."""
    from fastinit.nn.optim import SGD
    x, t = _small_data(0, n=128, d=784)
    net = fastinit.MultiLayerNet(784, [100, 100], 10, seed=0, backend="native")
    opt = SGD(lr=0.1)
    losses = np.array([net.train_step(x, t, opt) for _ in range(3)], dtype=np.float64)
    return digest(losses, *net.param_list())


def train_small_net(seed):
    """fastinit.train on a small net and small random data: the digest of
    its weights and losses."""
    from fastinit.nn.optim import SGD
    x, t = _small_data(seed)
    net = fastinit.MultiLayerNet(x.shape[1], [64, 64], 10, seed=seed, backend="native")
    history = fastinit.train(net, x, t, iterations=20, batch_size=64, optimizer=SGD(lr=0.1),
                             seed=seed, progress=False)
    return digest(np.asarray(history.loss), *net.param_list())


def train_job():
    return train_small_net(0)


def buffer_cache_job():
    """A large array (8 MiB: above the cache's floor) freed and drawn again,
    the second from the buffer cache."""
    first = init.xavier_uniform((1024, 2048), dtype=np.float32, seed=6)
    del first
    return digest(init.xavier_uniform((1024, 2048), dtype=np.float32, seed=7))


JOBS = {"gemm": gemm_job, "normal_fill": normal_job, "uniform_fill": uniform_job,
        "sigmoid": sigmoid_job, "histogram": histogram_job, "train_step": train_step_job,
        "train": train_job, "buffer_cache": buffer_cache_job}


# --------------------------------------------------------------------------
# A forked child with a watchdog
# --------------------------------------------------------------------------

def in_forked_child(job, timeout=WATCHDOG):
    """Fork, run ``job()`` in the child and return what it returned (a str),
    sent back through a pipe.  Fails the test when the child has not
    finished after ``timeout`` seconds (it is killed) or raised."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 1
        try:
            os.close(read_end)
            answer = "ok " + job()
            code = 0
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            answer = f"error {type(exc).__name__}: {exc}"
        finally:
            try:
                os.write(write_end, answer.encode()[:60000])
            finally:
                os._exit(code)
    os.close(write_end)
    try:
        deadline = time.monotonic() + timeout
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                pytest.fail(f"the forked child hung: {job.__name__} had not returned after "
                            f"{timeout} s (killed)", pytrace=False)
            time.sleep(0.01)
        chunks = []
        while chunk := os.read(read_end, 65536):
            chunks.append(chunk)
    finally:
        os.close(read_end)
    answer = b"".join(chunks).decode()
    assert answer.startswith("ok "), f"the forked child failed: {answer or status}"
    return answer[3:]


@pytest.fixture
def two_threads():
    fastinit.set_num_threads(2)
    yield
    fastinit.set_num_threads(0)


@pytest.fixture(scope="module")
def parent_digests():
    """Every job run in this process on 2 threads, the second run's digest
    kept: the parent has used every kernel family's threads before any
    test forks."""
    fastinit.set_num_threads(2)
    try:
        for job in JOBS.values():
            job()
        return {name: job() for name, job in JOBS.items()}
    finally:
        fastinit.set_num_threads(0)


@pytest.mark.parametrize("name", list(JOBS))
def test_forked_child_after_the_parent_used_every_kernel_family(name, parent_digests,
                                                                two_threads):
    assert in_forked_child(JOBS[name]) == parent_digests[name]


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_multiprocessing_pool_trains_like_the_parent(method, two_threads):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method here")
    seeds = [0, 1, 2, 3]
    want = [train_small_net(s) for s in seeds]  # the parent uses its threads first
    pool = multiprocessing.get_context(method).Pool(2)
    try:
        got = pool.map_async(train_small_net, seeds).get(timeout=WATCHDOG)
    except multiprocessing.TimeoutError:
        got = None
    finally:
        pool.terminate()
        pool.join()
    if got is None:
        pytest.fail(f"multiprocessing.Pool(2) with {method!r}: the children had not "
                    f"returned after {WATCHDOG} s (terminated)", pytrace=False)
    assert got == want


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_fork_while_another_thread_is_inside_a_long_call(two_threads):
    want = {"gemm": gemm_job(), "normal_fill": normal_job()}
    a = np.ones((2048, 2048), np.float32)
    c = np.empty_like(a)
    stop = threading.Event()
    calls = []

    def busy():
        while not stop.is_set():
            ops.matmul(a, a, out=c)
            calls.append(1)

    thread = threading.Thread(target=busy, daemon=True)
    thread.start()
    try:
        while not calls:  # one call done: the next is under way
            time.sleep(0.01)
        got = in_forked_child(lambda: gemm_job() + " " + normal_job())
        assert thread.is_alive()
    finally:
        stop.set()
        thread.join()
    assert got == f"{want['gemm']} {want['normal_fill']}"
    assert np.array_equal(c, np.full_like(a, 2048))


class FillDataset:
    """Item i: a fastinit normal fill seeded with i (computed in the
    DataLoader's worker processes)."""

    def __len__(self):
        return 8

    def __getitem__(self, i):
        return Generator(1000 + i).normal(size=BIG // 4, dtype=np.float32)


def test_torch_dataloader_workers_call_fastinit(two_threads):
    torch = pytest.importorskip("torch")
    dataset = FillDataset()
    want = [np.stack([dataset[i] for i in range(k, k + 2)]) for k in range(0, 8, 2)]
    loader = torch.utils.data.DataLoader(dataset, batch_size=2, num_workers=2,
                                         timeout=WATCHDOG)
    try:
        got = [batch.numpy() for batch in loader]
    except RuntimeError as exc:
        if "timed out" not in str(exc):
            raise
        got = None
    if got is None:
        pytest.fail(f"DataLoader(num_workers=2): a worker had not returned a batch after "
                    f"{WATCHDOG} s", pytrace=False)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.array_equal(g, w)
