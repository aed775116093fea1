"""fastinit.dask: sharded fills equal fastinit.init bitwise for any chunking,
on dask's local scheduler and on a distributed.LocalCluster."""
import sys
import time

import numpy as np
import pytest

from fastinit import init
from fastinit.random import Generator

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
fd = pytest.importorskip("fastinit.dask")

ELEMENTWISE = sorted(set(fd.__all__) - {"orthogonal", "sparse", "eye", "dirac",
                                         "delta_orthogonal"})
CHUNKINGS = [
    ((37, 23), (5, 7)),                      # irregular, runs of 7 in rows of 23
    ((37, 23), (37, 23)),                    # one block
    ((37, 23), (10, 23)),                    # full rows: one run per block
    ((37, 23), ((1, 30, 6), (11, 1, 11))),   # explicit uneven chunks
    ((4, 3, 9, 10), (3, 2, 4, 10)),          # 4-D, partial leading axes
    ((4, 3, 9, 10), (1, 3, 9, 3)),
    ((1001,), (64,)),                        # 1-D
]


def _bits(x):
    return x.view(np.uint32 if x.dtype == np.float32 else np.uint64)


NOT_FAN_BASED = {"normal", "uniform", "truncated_normal", "zeros", "ones", "constant"}
CASES = [(name, shape, chunks) for name in ELEMENTWISE for shape, chunks in CHUNKINGS
         if len(shape) >= 2 or name in NOT_FAN_BASED]


@pytest.mark.parametrize("name, shape, chunks", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_elementwise_equals_init_bitwise(name, shape, chunks, dtype):
    arr = getattr(fd, name)(shape, chunks=chunks, seed=17, dtype=dtype)
    assert isinstance(arr, da.Array) and arr.dtype == dtype and arr.shape == shape
    got = arr.compute(scheduler="sync")
    ref = init.INITIALIZERS[name](shape, seed=17, dtype=dtype)
    np.testing.assert_array_equal(_bits(got), _bits(ref))
    np.testing.assert_array_equal(_bits(arr.compute(scheduler="threads")), _bits(ref))


@pytest.mark.parametrize("name", ["normal", "he_uniform", "truncated_normal"])
def test_two_chunkings_give_identical_bits(name):
    """The bits depend on (seed, global index) only, not on the shard layout:
    compared directly, without going through fastinit.init."""
    shape = (61, 45)
    a = getattr(fd, name)(shape, chunks=(7, 45), seed=23).compute(scheduler="sync")
    b = getattr(fd, name)(shape, chunks=((20, 1, 40), (13, 2, 30)), seed=23).compute(
        scheduler="threads")
    np.testing.assert_array_equal(_bits(a), _bits(b))
    c = getattr(fd, name)(shape, chunks=(7, 45), seed=24).compute(scheduler="sync")
    assert not np.array_equal(_bits(a), _bits(c))


def test_one_block_computed_alone():
    """A block needs no other block: computed by itself it is its slice of
    the whole array, and the graph is one task per block."""
    shape, chunks = (37, 23), ((10, 17, 10), (5, 18))
    arr = fd.xavier_normal(shape, chunks=chunks, seed=4)
    # the array's own layer (older dask adds a layer of block-info tasks beside it)
    assert len(dict(arr.__dask_graph__().layers[arr.name])) == 3 * 2
    ref = init.xavier_normal(shape, seed=4)
    np.testing.assert_array_equal(_bits(arr.blocks[1, 1].compute()), _bits(ref[10:27, 5:]))
    np.testing.assert_array_equal(_bits(arr.blocks[2, 0].compute()), _bits(ref[27:, :5]))
    assert fd.xavier_normal(shape, chunks=chunks, seed=4).name == arr.name


@pytest.mark.parametrize("layout", ["io", "oi"])
def test_parameters_and_layout_pass_through(layout):
    shape = (8, 6, 3, 3) if layout == "oi" else (3, 3, 6, 8)
    kw = dict(a=0.2, mode="fan_out", nonlinearity="leaky_relu", seed=3, layout=layout)
    np.testing.assert_array_equal(fd.he_uniform(shape, chunks=(2, 3, 3, 2), **kw).compute(),
                                  init.he_uniform(shape, **kw))
    np.testing.assert_array_equal(
        fd.truncated_normal((50, 40), 1.0, 0.5, -1.0, 3.0, chunks=(7, 9), seed=2).compute(),
        init.truncated_normal((50, 40), 1.0, 0.5, -1.0, 3.0, seed=2))


@pytest.mark.parametrize("name, shape, kw", [
    ("orthogonal", (30, 20), {"gain": 2.0}),
    ("orthogonal", (3, 3, 4, 16), {}),
    ("sparse", (20, 30), {"sparsity": 0.4}),
    ("eye", (7, 9), {}),
    ("dirac", (3, 3, 4, 4), {}),
    ("delta_orthogonal", (3, 3, 4, 8), {"gain": 0.5}),
])
def test_whole_matrix_initializers(name, shape, kw):
    got = getattr(fd, name)(shape, chunks=4, seed=5, **kw)
    assert got.chunks[0][0] == 3 if len(shape) == 4 else got.chunks[0][0] == 4
    np.testing.assert_array_equal(got.compute(), init.INITIALIZERS[name](shape, seed=5, **kw))


def test_generator_seed_advances_like_init():
    ga, gb = Generator(9), Generator(9)
    for name, shape in (("he_normal", (40, 30)), ("orthogonal", (12, 7)),
                        ("xavier_uniform", (5, 9)), ("sparse", (10, 6)), ("zeros", (3, 3)),
                        ("lecun_normal", (6, 6)), ("delta_orthogonal", (3, 5, 7))):
        kw = {"sparsity": 0.5} if name == "sparse" else {}
        lazy = getattr(fd, name)(shape, chunks=3, seed=ga, **kw)
        eager = init.INITIALIZERS[name](shape, seed=gb, **kw)
        assert ga.position == gb.position
        np.testing.assert_array_equal(lazy.compute(), eager)


def test_errors_raise_on_the_driver():
    with pytest.raises(ValueError, match="std"):
        fd.normal((10, 10), std=-1.0)
    with pytest.raises(ValueError, match="at least 2"):
        fd.he_normal((10,))
    with pytest.raises(ValueError, match="mode"):
        fd.he_normal((10, 10), mode="x")
    with pytest.raises(ValueError, match="sparsity"):
        fd.sparse((10, 10), 2.0)
    with pytest.raises(ValueError, match="divisible"):
        fd.dirac((3, 3, 2, 5), groups=2)
    with pytest.raises(TypeError, match="dtype"):
        fd.normal((3, 3), dtype=np.int32)
    with pytest.warns(UserWarning, match="zero-element"):
        assert fd.normal((0, 4)).compute().shape == (0, 4)


def test_missing_dask_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.array", None)
    with pytest.raises(ImportError, match=r"fastinit\[dask\]"):
        fd.normal((3, 3))


@pytest.fixture(scope="module")
def cluster_client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        client.wait_for_workers(2, timeout=60)
        yield client


def test_distributed_local_cluster(cluster_client):
    import distributed
    assert len(cluster_client.scheduler_info()["workers"]) == 2
    shape = (301, 257)
    for name in ("he_normal", "xavier_uniform", "variance_scaling", "orthogonal"):
        arr = getattr(fd, name)(shape, chunks=(50, 64), seed=11)
        got = cluster_client.compute(arr).result()
        np.testing.assert_array_equal(got, init.INITIALIZERS[name](shape, seed=11))
    # blocks really ran on both workers
    arr = fd.normal((4000, 100), chunks=(100, 100), seed=1)
    futures = cluster_client.compute(arr.to_delayed().ravel().tolist())
    distributed.wait(futures)
    # the scheduler's who_has can lag the futures' completion by a moment
    deadline = time.monotonic() + 10
    while True:
        who = cluster_client.who_has(futures)
        workers = {w for ws in who.values() for w in ws}
        if len(workers) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(workers) == 2
