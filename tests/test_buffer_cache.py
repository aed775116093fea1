"""The buffer cache (csrc/core/bufcache.c, fastinit.set_buffer_cache): large
fastinit arrays' memory is reused after they are freed, values never change,
small arrays and the limit are respected, and it is safe across threads."""
import gc
import threading

import numpy as np
import pytest
from conftest import run_python

import fastinit
from fastinit import _validate, init
from fastinit.random import Generator

MIB = 1 << 20
SHAPE = (1024, 2048)  # 8 MiB of float32: above the 4 MiB floor


def handler_name(a):
    if hasattr(np.lib, "get_handler_name"):
        return np.lib.get_handler_name(a)
    core = getattr(np, "_core", None) or np.core  # NumPy 2 renamed np.core to np._core
    return core.multiarray.get_handler_name(a)


@pytest.fixture
def cache():
    """An empty cache with the default limit; the old limit restored after."""
    old = fastinit.set_buffer_cache(0)
    fastinit.set_buffer_cache(256 * MIB)
    gc.collect()
    yield
    fastinit.set_buffer_cache(old)


def test_freed_large_array_is_reused(cache):
    a = init.xavier_uniform(SHAPE, dtype=np.float32, seed=3)
    assert handler_name(a) == "fastinit_buffer_cache"
    want = a.copy()
    address = a.ctypes.data
    del a
    info = fastinit.buffer_cache_info()
    assert info["blocks"] == 1 and info["bytes"] == SHAPE[0] * SHAPE[1] * 4
    hits = info["hits"]
    b = init.xavier_uniform(SHAPE, dtype=np.float32, seed=3)
    assert b.ctypes.data == address  # the same memory, pages already mapped
    assert fastinit.buffer_cache_info()["hits"] == hits + 1
    np.testing.assert_array_equal(b, want)  # and every value rewritten


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_do_not_depend_on_the_cache(cache, dtype):
    results = []
    for limit in (256 * MIB, 0, 256 * MIB, 256 * MIB):
        fastinit.set_buffer_cache(limit)
        hits = fastinit.buffer_cache_info()["hits"]
        g = Generator(11)
        r = [g.normal(SHAPE, dtype=dtype), init.he_normal(SHAPE, dtype=dtype, seed=5),
             fastinit.ops.sigmoid(g.uniform(SHAPE, -4, 4, dtype=dtype))]
        results.append([x.copy() for x in r])
        del r
    assert fastinit.buffer_cache_info()["hits"] >= hits + 3  # the last round reused memory
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_array_equal(a, b)


def test_small_arrays_use_numpy_allocator(cache):
    a = _validate.new_array((100, 100), np.float32)
    assert handler_name(a) != "fastinit_buffer_cache"
    del a
    assert fastinit.buffer_cache_info()["blocks"] == 0


def test_limit_keeps_the_newest_blocks(cache):
    fastinit.set_buffer_cache(20 * MIB)  # room for two 8 MiB blocks
    a0, a1, a2 = (_validate.new_array(SHAPE, np.float32) for _ in range(3))
    addresses = [a.ctypes.data for a in (a0, a1, a2)]
    del a0
    del a1
    del a2  # freed last: the newest block
    info = fastinit.buffer_cache_info()
    assert (info["blocks"], info["bytes"]) == (2, 16 * MIB)
    # a block larger than the limit is not kept at all
    big = _validate.new_array((3 * 1024, 2048), np.float32)  # 24 MiB
    del big
    assert fastinit.buffer_cache_info()["blocks"] == 2
    # the newest freed block is handed out first; the oldest was evicted
    again = _validate.new_array(SHAPE, np.float32)
    assert again.ctypes.data == addresses[2]
    # lowering the limit frees what no longer fits
    fastinit.set_buffer_cache(10 * MIB)
    assert fastinit.buffer_cache_info()["bytes"] <= 10 * MIB
    fastinit.set_buffer_cache(0)
    assert fastinit.buffer_cache_info()["blocks"] == 0


def test_resize_keeps_the_data(cache):
    a = _validate.new_array(SHAPE, np.float32)
    a[...] = np.arange(a.size, dtype=np.float32).reshape(SHAPE)
    a.resize((SHAPE[0] * 2, SHAPE[1]), refcheck=False)  # NumPy's realloc
    np.testing.assert_array_equal(a[:SHAPE[0]].ravel(), np.arange(SHAPE[0] * SHAPE[1],
                                                                   dtype=np.float32))
    a.resize((10, 10), refcheck=False)
    np.testing.assert_array_equal(a.ravel(), np.arange(100, dtype=np.float32))


def test_threads_share_the_cache_safely(cache):
    errors = []

    def work(seed):
        try:
            for i in range(40):
                a = init.xavier_uniform(SHAPE, dtype=np.float32, seed=seed * 100 + i)
                b = init.xavier_uniform(SHAPE, dtype=np.float32, seed=seed * 100 + i)
                assert np.array_equal(a, b)
                del a, b
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(s,)) for s in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors
    info = fastinit.buffer_cache_info()
    assert info["bytes"] <= info["limit"] and info["blocks"] <= 8


def test_set_buffer_cache_validates():
    with pytest.raises(TypeError, match="limit"):
        fastinit.set_buffer_cache(1.5)
    with pytest.raises(TypeError, match="limit"):
        fastinit.set_buffer_cache(True)
    with pytest.raises(ValueError, match="limit"):
        fastinit.set_buffer_cache(-1)


def test_limit_from_environment():
    code = "import fastinit; print(fastinit.buffer_cache_info()['limit'])"
    assert run_python(code, env={"FASTINIT_BUFFER_CACHE_MB": "1.5"}).stdout.strip() == \
        str(int(1.5 * MIB))
    assert run_python(code, env={"FASTINIT_BUFFER_CACHE_MB": "0"}).stdout.strip() == "0"
    out = run_python(code, env={"FASTINIT_BUFFER_CACHE_MB": "lots"})
    assert out.stdout.strip() == str(256 * MIB)
    assert "FASTINIT_BUFFER_CACHE_MB='lots'" in out.stderr
