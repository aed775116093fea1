"""fastinit.jax against jax.nn.initializers: distributions by KS test,
fans and bounds by JAX's rules, keys, dtypes, jit, and sharded arrays
equal to unsharded ones on a 2-device CPU mesh."""
import math
import os
import sys
import warnings

import numpy as np
import pytest

jax = pytest.importorskip("jax", reason="fastinit.jax needs JAX (extra 'jax')")
stats = pytest.importorskip("scipy.stats")
import jax.numpy as jnp  # noqa: E402

import fastinit.jax as fj  # noqa: E402

from conftest import run_python  # noqa: E402

P_MIN = 1e-4
KEY = jax.random.key(3)


def ks(a, b):
    a, b = (np.asarray(x, np.float64).ravel() for x in (a, b))
    assert a.size >= 100_000 and b.size >= 100_000
    return stats.ks_2samp(a, b).pvalue


CASES = [
    ("normal", (0.02,), {}, (400, 250)),
    ("uniform", (0.5,), {}, (400, 250)),
    ("truncated_normal", (0.1,), {}, (400, 250)),
    ("truncated_normal", (1.0,), {"lower": -1.0, "upper": 3.0}, (400, 250)),
    ("glorot_uniform", (), {}, (400, 250)),
    ("glorot_normal", (), {}, (3, 3, 96, 128)),
    ("he_uniform", (), {}, (400, 250)),
    ("he_normal", (), {}, (3, 3, 96, 128)),
    ("lecun_uniform", (), {}, (400, 250)),
    ("lecun_normal", (), {}, (400, 250)),
    ("variance_scaling", (2.0, "fan_geo_avg", "normal"), {}, (400, 250)),
    ("variance_scaling", (0.5, "fan_out", "uniform"), {"in_axis": 0, "out_axis": (1, 2)},
     (40, 50, 60)),
    ("variance_scaling", (1.0, "fan_avg", "truncated_normal"),
     {"in_axis": -2, "out_axis": -1, "batch_axis": 0}, (8, 100, 200)),
    ("orthogonal", (), {}, (400, 250)),
    ("orthogonal", (2.0,), {"column_axis": 0}, (250, 400)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", CASES,
                         ids=[f"{c[0]}{c[1]}{c[2]}" for c in CASES])
def test_distribution_matches_jax(name, args, kwargs, shape):
    ours = getattr(fj, name)(*args, **kwargs)(KEY, shape)
    theirs = getattr(jax.nn.initializers, name)(*args, **kwargs)(jax.random.key(11), shape)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    assert ks(ours, theirs) > P_MIN
    assert float(jnp.std(ours)) == pytest.approx(float(jnp.std(theirs)), rel=0.02)


def test_delta_orthogonal_matches_jax():
    shape = (3, 3, 256, 512)
    ours = np.asarray(fj.delta_orthogonal()(KEY, shape))
    theirs = np.asarray(jax.nn.initializers.delta_orthogonal()(jax.random.key(1), shape))
    assert np.count_nonzero(ours[0]) == 0 and np.count_nonzero(ours[1, 0]) == 0
    centre = ours[1, 1]
    np.testing.assert_allclose(centre @ centre.T, np.eye(256), atol=1e-5)
    assert ks(centre, theirs[1, 1]) > P_MIN


@pytest.mark.parametrize("name", ["zeros", "ones"])
def test_zeros_ones_are_functions_as_in_jax(name):
    ours = getattr(fj, name)(KEY, (3, 4), jnp.bfloat16)
    theirs = getattr(jax.nn.initializers, name)(KEY, (3, 4), jnp.bfloat16)
    assert ours.dtype == theirs.dtype and np.array_equal(np.asarray(ours), np.asarray(theirs))
    assert np.array_equal(np.asarray(fj.constant(-2.5)(KEY, (5,))),
                          np.asarray(jax.nn.initializers.constant(-2.5)(KEY, (5,))))


def test_uniform_bounds_follow_jax():
    w = np.asarray(fj.he_uniform()(KEY, (300, 200)))
    bound = math.sqrt(3 * 2.0 / 300)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    u = np.asarray(fj.uniform(0.3)(KEY, (1000,)))
    assert u.min() >= 0 and u.max() < 0.3
    t = np.asarray(fj.he_normal()(KEY, (300, 200)))  # truncated at 2 std
    std = math.sqrt(2.0 / 300) / 0.87962566103423978
    assert np.abs(t).max() <= 2 * std * (1 + 1e-6)


def test_same_key_same_values_and_typed_or_raw_keys():
    init = fj.lecun_normal()
    a, b = init(jax.random.key(5), (64, 32)), init(jax.random.key(5), (64, 32))
    assert np.array_equal(np.asarray(a), np.asarray(b))
    assert not np.array_equal(np.asarray(a), np.asarray(init(jax.random.key(6), (64, 32))))
    raw = init(jax.random.PRNGKey(5), (64, 32))
    assert np.array_equal(np.asarray(raw), np.asarray(a))  # the same key data
    k1, k2 = jax.random.split(jax.random.key(5))
    assert not np.array_equal(np.asarray(init(k1, (8, 8))), np.asarray(init(k2, (8, 8))))


@pytest.mark.parametrize("dtype", [jnp.bfloat16, jnp.float16])
def test_half_precision_is_float32_rounded(dtype):
    wide = fj.glorot_normal()(KEY, (129, 17))
    half = fj.glorot_normal()(KEY, (129, 17), dtype)
    assert half.dtype == dtype
    assert np.array_equal(np.asarray(half).view(np.uint16),
                          np.asarray(wide.astype(dtype)).view(np.uint16))


def test_under_jit_a_host_callback_gives_the_same_values():
    init = fj.he_normal()
    jitted = jax.jit(lambda key: init(key, (32, 16), jnp.bfloat16))
    assert np.array_equal(np.asarray(jitted(KEY)), np.asarray(init(KEY, (32, 16), jnp.bfloat16)))
    with pytest.raises(ValueError, match="not available under jit"):
        jax.jit(lambda key: init(key, (4, 4), sharding=object()))(KEY)


def test_flax_dense_takes_a_fastinit_kernel_init():
    nn = pytest.importorskip("flax.linen", reason="flax is not installed")
    layer = nn.Dense(300, kernel_init=fj.he_normal())
    params = layer.init(jax.random.key(0), jnp.ones((1, 500)))
    again = layer.init(jax.random.key(0), jnp.ones((1, 500)))
    kernel = np.asarray(params["params"]["kernel"])
    assert kernel.shape == (500, 300)
    assert np.array_equal(kernel, np.asarray(again["params"]["kernel"]))
    assert abs(kernel.std() / math.sqrt(2 / 500) - 1) < 0.03


def test_bad_input():
    with pytest.raises(TypeError, match="int32"):
        fj.normal()(KEY, (3,), jnp.int32)
    with pytest.raises(ValueError, match="Must be at least 2D"):
        fj.he_normal()(KEY, (5,))
    with pytest.raises(ValueError, match="invalid mode"):
        fj.variance_scaling(1.0, "fan_median", "normal")
    with pytest.raises(ValueError, match="invalid distribution"):
        fj.variance_scaling(1.0, "fan_in", "cauchy")
    with pytest.raises(TypeError, match="PRNG key"):
        fj.normal()(np.float32(1.0), (3,))


@pytest.mark.parametrize("dtype", ["float32", "bfloat16", "float16"])
@pytest.mark.parametrize("n", [0, 1, 17, (4 << 20) // 4 - 1, (4 << 20) // 4, 1_500_000])
def test_host_arrays_start_on_64_bytes(n, dtype):
    # XLA's CPU client aliases a host array only at that alignment
    dt = np.dtype(jnp.dtype(dtype))
    a = fj._host_array((n, 4), dt)
    assert a.shape == (n, 4) and a.dtype == dt
    assert a.flags.c_contiguous and a.flags.writeable
    assert a.size == 0 or a.ctypes.data % 64 == 0  # no data: no address to align
    a[...] = 1  # every byte is ours to write
    assert np.all(a == 1)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
@pytest.mark.parametrize("n", [17, 1_500_000])  # below and above the mapping size
def test_host_arrays_are_not_shared_with_a_forked_child(n):
    # memory as malloc's: a child's writes stay the child's (copy-on-write)
    a = fj._host_array((n, 4), np.dtype(np.float32))
    a[...] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # JAX's threads: the child only writes
        pid = os.fork()
    if pid == 0:  # the child must never return into pytest
        ok = False
        try:
            a[...] = 7
            ok = bool(np.all(a == 7))
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert np.all(a == 1)


@pytest.mark.parametrize("shape", [(17, 3), (1100, 1000)])  # below and above the mapping size
def test_arrays_keep_their_values_when_the_host_side_is_dropped(shape):
    import gc
    init = fj.normal(0.02)
    a = init(KEY, shape)
    if jax.default_backend() == "cpu":
        assert a.unsafe_buffer_pointer() % 64 == 0
    want = np.array(a)  # a copy
    gc.collect()
    for _ in range(5):  # fresh host arrays of the same size reuse freed memory
        fj.normal(0.02)(jax.random.key(99), shape).block_until_ready()
        np.ones(shape, np.float32)
    np.testing.assert_array_equal(np.asarray(a), want)
    np.testing.assert_array_equal(np.asarray(init(KEY, shape)), want)
    donated = jax.jit(lambda x: x * 2, donate_argnums=0)(a)
    np.testing.assert_array_equal(np.asarray(donated), want * 2)


SHARDED = r"""
import numpy as np, jax, jax.numpy as jnp
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
import fastinit.jax as fj
assert len(jax.devices()) == 2, jax.devices()
mesh = Mesh(np.array(jax.devices()), ("x",))
key = jax.random.key(7)
for init, shape in ((fj.he_normal(), (9, 13)), (fj.normal(0.02), (4, 6, 10)),
                    (fj.orthogonal(), (8, 6)), (fj.glorot_uniform(), (7, 3))):
    whole = np.asarray(init(key, shape, jnp.bfloat16))
    for spec in (P("x"), P(None, "x"), P()):
        if spec != P() and shape[len(spec) - 1] % 2:
            continue
        arr = init(key, shape, jnp.bfloat16, sharding=NamedSharding(mesh, spec))
        assert len(arr.addressable_shards) == 2
        assert np.array_equal(np.asarray(arr).view(np.uint16), whole.view(np.uint16)), (init, spec)
print("ok")
"""


def test_sharded_equals_unsharded_on_two_cpu_devices():
    res = run_python(SHARDED, env={"XLA_FLAGS": "--xla_force_host_platform_device_count=2",
                                   "JAX_PLATFORMS": "cpu"}, check=False, timeout=300)
    assert res.returncode == 0 and res.stdout.strip().endswith("ok"), res.stderr[-3000:]


def test_import_without_jax_says_what_to_install():
    res = run_python("import sys; sys.modules['jax'] = None\nimport fastinit.jax", check=False)
    assert res.returncode != 0 and "fastinit[jax]" in res.stderr
