"""fastinit.init: gains, fans, every initializer (distribution tests in the
style of PyTorch's own init tests), in-place twins, resolve() and errors."""
import math
import warnings

import numpy as np
import pytest

import fastinit
from fastinit import init
from fastinit.random import Generator

P_MIN = 1e-4


@pytest.fixture
def stats():
    """scipy.stats, the reference of the distribution tests: only the tests
    that ask for it skip when scipy is not installed."""
    return pytest.importorskip("scipy.stats", reason="the distribution tests need scipy")


def _shape(rng, ndim, layout="io"):
    """A random 2-D or 4-D weight shape (PyTorch's init tests draw random
    fans and receptive fields the same way)."""
    fan_in, fan_out = (int(v) for v in rng.integers(20, 60, size=2))
    if ndim == 2:
        return (fan_in, fan_out) if layout == "io" else (fan_out, fan_in)
    k = tuple(int(v) for v in rng.integers(1, 5, size=2))
    return k + (fan_in, fan_out) if layout == "io" else (fan_out, fan_in) + k


# kstest gets a CDF callable, not a distribution name with args=, which
# SciPy 1.18 stopped accepting.
def _ks_normal(stats, x, std, mean=0.0):
    return stats.kstest(x.ravel().astype(np.float64), stats.norm(mean, std).cdf).pvalue > P_MIN


def _ks_uniform(stats, x, bound):
    return stats.kstest(x.ravel().astype(np.float64),
                        stats.uniform(-bound, 2 * bound).cdf).pvalue > P_MIN


# --------------------------------------------------------------------------
# calculate_gain and fans
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                                  "conv_transpose2d", "conv_transpose3d", "sigmoid"])
def test_gain_one(name):
    assert init.calculate_gain(name) == 1


def test_gain_values():
    assert init.calculate_gain("tanh") == 5.0 / 3
    assert init.calculate_gain("relu") == math.sqrt(2.0)
    assert init.calculate_gain("selu") == 3.0 / 4
    assert init.calculate_gain("leaky_relu") == math.sqrt(2.0 / (1 + 0.01 ** 2))
    for slope in (0, 1, 0.2, 3, np.float32(0.5)):
        assert init.calculate_gain("leaky_relu", slope) == math.sqrt(2.0 / (1 + slope ** 2))


@pytest.mark.parametrize("param", [True, False, "0.1", [0.1], object()])
def test_gain_bad_slope(param):
    with pytest.raises(ValueError, match="negative_slope"):
        init.calculate_gain("leaky_relu", param)


def test_gain_unknown_nonlinearity():
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.calculate_gain("softplus")


def test_fans():
    assert init.fan_in_fan_out((784, 100)) == (784, 100)
    assert init.fan_in_fan_out((100, 784), layout="oi") == (784, 100)
    assert init.fan_in_fan_out((3, 5, 16, 32)) == (16 * 15, 32 * 15)
    assert init.fan_in_fan_out((32, 16, 3, 5), layout="oi") == (16 * 15, 32 * 15)
    assert init.fan_in_fan_out((7, 4, 6)) == (28, 42)
    with pytest.raises(ValueError, match="at least 2"):
        init.fan_in_fan_out((10,))
    with pytest.raises(ValueError, match="layout"):
        init.fan_in_fan_out((3, 4), layout="xy")


# --------------------------------------------------------------------------
# Distributions of every random initializer
# --------------------------------------------------------------------------

LAYOUTS = ("io", "oi")


@pytest.mark.parametrize("ndim", [2, 4])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_xavier(ndim, layout, dtype, stats):
    rng = np.random.default_rng(ndim * 10 + len(layout))
    for i in range(3):
        shape = _shape(rng, ndim, layout)
        gain = float(rng.uniform(0.5, 2.0))
        fan_in, fan_out = init.fan_in_fan_out(shape, layout)
        w = init.xavier_normal(shape, gain=gain, seed=i, layout=layout, dtype=dtype)
        assert w.shape == shape and w.dtype == dtype
        assert _ks_normal(stats, w, gain * math.sqrt(2.0 / (fan_in + fan_out)))
        u = init.xavier_uniform(shape, gain=gain, seed=i, layout=layout, dtype=dtype)
        assert _ks_uniform(stats, u, gain * math.sqrt(6.0 / (fan_in + fan_out)))


@pytest.mark.parametrize("ndim", [2, 4])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
def test_he(ndim, layout, mode, stats):
    rng = np.random.default_rng(ndim + len(mode))
    for i in range(3):
        shape = _shape(rng, ndim, layout)
        a = float(rng.uniform(0, 1))
        fan_in, fan_out = init.fan_in_fan_out(shape, layout)
        fan = fan_in if mode == "fan_in" else fan_out
        std = math.sqrt(2.0 / (1 + a ** 2)) / math.sqrt(fan)
        w = init.he_normal(shape, a=a, mode=mode, nonlinearity="leaky_relu", seed=i,
                           layout=layout)
        assert _ks_normal(stats, w, std)
        u = init.he_uniform(shape, a=a, mode=mode, nonlinearity="leaky_relu", seed=i,
                            layout=layout)
        assert _ks_uniform(stats, u, math.sqrt(3.0) * std)
    # the defaults: relu, fan_in
    w = init.he_normal((300, 200), seed=1)
    assert _ks_normal(stats, w, math.sqrt(2.0 / 300))


@pytest.mark.parametrize("ndim", [2, 4])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_lecun(ndim, layout, stats):
    rng = np.random.default_rng(7 + ndim)
    shape = _shape(rng, ndim, layout)
    fan_in, _ = init.fan_in_fan_out(shape, layout)
    std = math.sqrt(1.0 / fan_in) / init.TRUNCATED_STD
    w = init.lecun_normal(shape, seed=3, layout=layout).ravel().astype(np.float64)
    assert stats.kstest(w, stats.truncnorm(-2, 2, scale=std).cdf).pvalue > P_MIN
    assert _ks_uniform(stats, init.lecun_uniform(shape, seed=3, layout=layout),
                       math.sqrt(3.0 / fan_in))


@pytest.mark.parametrize("ndim", [2, 4])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling(ndim, mode, distribution, stats):
    rng = np.random.default_rng(ndim)
    shape = _shape(rng, ndim)
    scale = float(rng.uniform(0.5, 3.0))
    fan_in, fan_out = init.fan_in_fan_out(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    w = init.variance_scaling(shape, scale=scale, mode=mode, distribution=distribution,
                              seed=5).ravel().astype(np.float64)
    if distribution == "truncated_normal":
        std = math.sqrt(scale / n) / 0.87962566103423978
        assert stats.kstest(w, stats.truncnorm(-2, 2, scale=std).cdf).pvalue > P_MIN
        # the correction makes the variance after truncation scale / n
        assert abs(w.var() / (scale / n) - 1) < 0.05
    elif distribution == "untruncated_normal":
        assert _ks_normal(stats, w, math.sqrt(scale / n))
    else:
        assert _ks_uniform(stats, w, math.sqrt(3 * scale / n))


@pytest.mark.parametrize("ndim", [2, 4])
def test_normal_uniform_truncated(ndim, stats):
    rng = np.random.default_rng(3)
    shape = _shape(rng, ndim)
    assert _ks_normal(stats, init.normal(shape, mean=0.5, std=0.3, seed=1), 0.3, 0.5)
    u = init.uniform(shape, low=-0.2, high=0.7, seed=1).ravel().astype(np.float64)
    assert stats.kstest(u, stats.uniform(-0.2, 0.9).cdf).pvalue > P_MIN
    t = init.truncated_normal(shape, mean=1.0, std=0.5, a=-1.0, b=3.0, seed=1)
    t = t.ravel().astype(np.float64)
    assert stats.kstest(t, stats.truncnorm(-1, 3, loc=1.0, scale=0.5).cdf).pvalue > P_MIN
    # positional parameters work as in torch.nn.init
    np.testing.assert_array_equal(init.normal(shape, 0.5, 0.3, seed=1),
                                  init.normal(shape, mean=0.5, std=0.3, seed=1))


# --------------------------------------------------------------------------
# Deterministic initializers
# --------------------------------------------------------------------------

def test_constants():
    assert (init.zeros((3, 4)) == 0).all()
    assert (init.ones((3, 4), dtype=np.float64) == 1).all()
    c = init.constant((2, 5, 3), 0.25)
    assert c.dtype == np.float32 and (c == 0.25).all()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("shape", [(40, 20), (20, 40), (3, 3, 8, 16), (16, 8, 3, 3)])
def test_orthogonal(layout, shape):
    gain = 1.7
    w = init.orthogonal(shape, gain=gain, seed=2, layout=layout, dtype=np.float64)
    if layout == "io":
        m = w.reshape(-1, shape[-1])
    else:
        m = w.reshape(shape[0], -1)
    small = min(m.shape)
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, gain ** 2 * np.eye(small), atol=1e-10)
    w2 = init.orthogonal(shape, gain=gain, seed=3, layout=layout, dtype=np.float64)
    assert not np.allclose(w, w2)


def test_eye():
    np.testing.assert_array_equal(init.eye((3, 5), gain=2.0), 2.0 * np.eye(3, 5))
    with pytest.raises(ValueError, match="2-D"):
        init.eye((3, 3, 3))


@pytest.mark.parametrize("groups", [1, 2])
def test_dirac_passes_channels_through(groups):
    # oi: (out, in, kh, kw); the convolution of x with it returns x's channels
    w = init.dirac((4, 2 if groups == 2 else 4, 3, 3), groups=groups, layout="oi")
    x = np.random.default_rng(0).normal(size=(w.shape[1] * groups, 6, 6))
    cin = w.shape[1]
    out = np.zeros((w.shape[0], 4, 4))
    for o in range(w.shape[0]):
        g = o // (w.shape[0] // groups)
        for i in range(cin):
            for u in range(3):
                for v in range(3):
                    out[o] += w[o, i, u, v] * x[g * cin + i, u:u + 4, v:v + 4]
    per = w.shape[0] // groups
    for o in range(w.shape[0]):
        g, d = divmod(o, per)
        np.testing.assert_allclose(out[o], x[g * cin + d, 1:5, 1:5])
    # io is the same kernel with the channel axes moved last
    wio = init.dirac((3, 3, cin, 4), groups=groups)
    np.testing.assert_array_equal(wio, np.moveaxis(w, (0, 1), (-1, -2)))
    with pytest.raises(ValueError, match="divisible"):
        init.dirac((3, 3, 2, 5), groups=2)
    with pytest.raises(ValueError, match="3-, 4- or 5-D"):
        init.dirac((3, 3))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_sparse(layout):
    shape = (50, 30)
    w = init.sparse(shape, 0.3, std=0.02, seed=4, layout=layout)
    torch_view = w if layout == "oi" else w.T  # (fan_out, fan_in)
    zeros_per_col = (torch_view == 0).sum(axis=0)
    assert (zeros_per_col == math.ceil(0.3 * torch_view.shape[0])).all()
    with pytest.raises(ValueError, match="sparsity"):
        init.sparse(shape, 1.5)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_sparse_values_are_normal(layout, stats):
    w = init.sparse((50, 30), 0.3, std=0.02, seed=4, layout=layout)
    nz = w[w != 0].astype(np.float64)
    assert _ks_normal(stats, nz, 0.02) or abs(nz.std() / 0.02 - 1) < 0.05


# --------------------------------------------------------------------------
# In-place twins, seeds, dtypes, threads
# --------------------------------------------------------------------------

NAMES = sorted(n for n in init.INITIALIZERS if n not in ("sparse", "eye", "dirac"))


@pytest.mark.parametrize("name", NAMES)
def test_inplace_twin_matches_functional(name):
    f = init.INITIALIZERS[name]
    f_ = getattr(init, name + "_")
    shape = (6, 9, 17)  # delta_orthogonal needs in <= out
    ref = f(shape, seed=12, dtype=np.float64)
    w = np.empty(shape)
    assert f_(w, seed=12) is w
    np.testing.assert_array_equal(w, ref)
    # non-contiguous: through a temporary, same values
    big = np.zeros((17, 9, 6)).transpose(2, 1, 0)
    f_(big, seed=12)
    np.testing.assert_array_equal(big, ref)


def test_seed_generator_advances_and_int_seed_reproduces():
    g = Generator(0)
    a = init.he_normal((50, 40), seed=g)
    b = init.he_normal((50, 40), seed=g)
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(init.he_normal((50, 40), seed=7),
                                  init.he_normal((50, 40), seed=7))
    assert not np.array_equal(init.he_normal((50, 40)), init.he_normal((50, 40)))


def test_threads_do_not_change_bits(threads):
    out = []
    for nt in (1, 2):
        fastinit.set_num_threads(nt)
        out.append(init.xavier_uniform((700, 900), seed=3).view(np.uint32))
        out.append(init.he_normal((700, 900), seed=3).view(np.uint32))
        out.append(init.lecun_normal((700, 900), seed=3).view(np.uint32))
    for a, b in zip(out[:3], out[3:]):
        np.testing.assert_array_equal(a, b)


def test_zero_elements_warn_and_do_nothing():
    for name in ("he_normal", "xavier_uniform", "normal", "zeros", "orthogonal"):
        with pytest.warns(UserWarning, match="zero-element"):
            w = init.INITIALIZERS[name]((0, 5))
        assert w.shape == (0, 5)
    with pytest.warns(UserWarning, match="zero-element"):
        init.normal_(np.empty((3, 0)))


def test_errors():
    with pytest.raises(ValueError, match="std"):
        init.normal((3, 3), std=-1.0)
    with pytest.raises(ValueError, match="low < high"):
        init.uniform((3, 3), low=1.0, high=0.5)
    with pytest.raises(ValueError, match="a < b"):
        init.truncated_normal((3, 3), a=2.0, b=1.0)
    with pytest.raises(ValueError, match="mode"):
        init.he_normal((3, 3), mode="fan_sideways")
    with pytest.raises(ValueError, match="mode"):
        init.variance_scaling((3, 3), mode="fan")
    with pytest.raises(ValueError, match="distribution"):
        init.variance_scaling((3, 3), distribution="gaussian")
    with pytest.raises(ValueError, match="scale"):
        init.variance_scaling((3, 3), scale=0.0)
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.he_uniform((3, 3), nonlinearity="swish")
    with pytest.raises(ValueError, match="negative_slope"):
        init.he_normal((3, 3), a=True, nonlinearity="leaky_relu")
    with pytest.raises(ValueError, match="gain"):
        init.xavier_normal((3, 3), gain=-1.0)
    for f in (init.xavier_normal, init.xavier_uniform, init.he_normal, init.he_uniform,
              init.lecun_normal, init.lecun_uniform, init.variance_scaling, init.orthogonal):
        with pytest.raises(ValueError, match="at least 2"):
            f((10,))
    with pytest.raises(ValueError, match="layout"):
        init.he_normal((3, 3), layout="OI")
    with pytest.raises(TypeError, match="float32, float64, float16 or bfloat16, got int"):
        init.he_normal_(np.zeros((3, 3), np.int32))
    with pytest.raises(TypeError, match="float32, float64, float16 or bfloat16, got int"):
        init.zeros((3, 3), dtype=np.int64)
    with pytest.raises(TypeError, match="ndarray"):
        init.normal_([[1.0, 2.0]])
    ro = np.zeros((3, 3))
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        init.normal_(ro)
    with pytest.raises(TypeError):
        init.normal((3, 3), seed=np.random.default_rng(0))


# --------------------------------------------------------------------------
# resolve(): the book's weight_init_std
# --------------------------------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUTS)
def test_resolve_book_values(layout):
    shape = (300, 200) if layout == "io" else (200, 300)
    n_in = 300
    cases = {0.01: 0.01, 1: 1.0, "std=0.05": 0.05, "xavier": math.sqrt(1 / n_in),
             "Sigmoid": math.sqrt(1 / n_in), "he": math.sqrt(2 / n_in),
             "RELU": math.sqrt(2 / n_in)}
    for spec, std in cases.items():
        f = init.resolve(spec)
        w = f(shape, seed=9, layout=layout)
        assert w.shape == shape and w.dtype == np.float32
        np.testing.assert_array_equal(w, init.normal(shape, std=std, seed=9))
        assert f(shape, dtype=np.float64, seed=1).dtype == np.float64


def test_resolve_book_xavier_is_not_glorot():
    shape = (300, 100)
    book = init.resolve("xavier")(shape, seed=1, dtype=np.float64)
    glorot = init.resolve("xavier_normal")(shape, seed=1, dtype=np.float64)
    assert book.std() == pytest.approx(math.sqrt(1 / 300), rel=0.03)
    assert glorot.std() == pytest.approx(math.sqrt(2 / 400), rel=0.03)


def test_resolve_names_and_callables():
    for name in init.INITIALIZERS:
        assert init.resolve(name) is init.INITIALIZERS[name]
    assert init.resolve("He_Uniform") is init.he_uniform
    f = lambda shape, **kw: np.zeros(shape)  # noqa: E731
    assert init.resolve(f) is f
    with pytest.raises(ValueError, match="unknown initializer"):
        init.resolve("glorot")
    with pytest.raises(ValueError, match="std"):
        init.resolve(-0.1)
    with pytest.raises(ValueError, match="std"):
        init.resolve("std=abc")
    with pytest.raises(TypeError):
        init.resolve(True)
    with pytest.raises(TypeError):
        init.resolve(None)


def test_kaiming_a_is_never_ignored():
    """PyTorch's defaults: nonlinearity="leaky_relu", so ``a`` counts
    (nn.Linear's reset_parameters uses a=sqrt(5): bound 1/sqrt(fan_in)); with
    a=0 the default is relu's gain, bitwise the old default; a slope given
    with another nonlinearity is an error, not silently dropped."""
    w = init.kaiming_uniform((64, 128), a=math.sqrt(5), layout="oi", seed=3)
    bound = 1 / math.sqrt(128)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    np.testing.assert_array_equal(init.kaiming_normal((64, 128), seed=3),
                                  init.kaiming_normal((64, 128), nonlinearity="relu", seed=3))
    for f in (init.kaiming_normal, init.kaiming_uniform, init.he_normal_, init.he_uniform_):
        arg = (64, 128) if f in (init.kaiming_normal, init.kaiming_uniform) else \
            np.empty((64, 128), np.float32)
        with pytest.raises(ValueError, match="a \\(the negative slope\\) applies to "
                                             "nonlinearity='leaky_relu' only"):
            f(arg, a=0.2, nonlinearity="relu")


# ---------------------------------------------------------------------------
# Shards: a block of a larger tensor gets the values the whole tensor holds
# ---------------------------------------------------------------------------

ELEMENTWISE = {"constant_": (0.5,), "zeros_": (), "ones_": (), "normal_": (0.5, 2.0),
               "uniform_": (-1.0, 3.0), "truncated_normal_": (0.0, 1.0, -1.0, 2.5),
               "xavier_normal_": (), "xavier_uniform_": (1.5,), "he_normal_": (),
               "he_uniform_": (0.1,), "variance_scaling_": (2.0, "fan_avg", "uniform"),
               "lecun_normal_": (), "lecun_uniform_": ()}
BLOCKS = [(slice(0, 3), slice(None), slice(None)),            # one run
          (slice(None), slice(2, 7), slice(None)),            # a run per row
          (slice(1, 6), slice(0, 9), slice(1, 4)),            # a run per (i, j)
          (slice(6, 7), slice(8, 9), slice(4, 5))]            # one element


def _shard_dtypes():
    import ml_dtypes
    return (np.float32, np.float64, np.float16, ml_dtypes.bfloat16)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
@pytest.mark.parametrize("block", BLOCKS, ids=str)
@pytest.mark.parametrize("layout", ["io", "oi"])
@pytest.mark.parametrize("dtype", _shard_dtypes(), ids=lambda d: np.dtype(d).name)
def test_shard_equals_block_of_full(name, block, layout, dtype):
    fn, args, shape = getattr(init, name), ELEMENTWISE[name], (7, 9, 5)
    full = fn(np.empty(shape, dtype), *args, seed=4, layout=layout)
    local = np.empty(full[block].shape, dtype)
    fn(local, *args, seed=4, layout=layout, global_shape=shape, index=block)
    assert np.array_equal(local.view(np.uint8), np.ascontiguousarray(full[block]).view(np.uint8))
    # and the functional twin
    twin = getattr(init, name[:-1])(local.shape, *args, dtype=dtype, seed=4, layout=layout,
                                    global_shape=shape, index=block)
    assert np.array_equal(twin.view(np.uint8), local.view(np.uint8))


def test_shard_into_non_contiguous_view():
    full = init.he_normal((40, 30), seed=2)
    base = np.zeros((40, 60), np.float32)
    view = base[:, ::2][10:25]
    init.he_normal_(view, seed=2, global_shape=(40, 30), index=(slice(10, 25), slice(None)))
    assert np.array_equal(view, full[10:25]) and not base[:, 1::2].any()


def test_shards_advance_a_generator_as_the_full_fill():
    g_full, g_shard = Generator(9), Generator(9)
    first, second = (init.normal((6, 8), seed=g_full) for _ in range(2))
    for expect in (first, second):
        local = init.normal((6, 3), seed=g_shard, global_shape=(6, 8),
                            index=(slice(None), slice(5, 8)))
        assert np.array_equal(local, expect[:, 5:8])


def test_shard_fans_come_from_the_global_shape():
    local = init.he_uniform((100, 10), seed=0, global_shape=(4000, 10),
                            index=(slice(0, 100), slice(None)))
    bound = math.sqrt(6 / 4000)
    assert np.abs(local).max() <= bound and np.abs(local).max() > 0.95 * bound


@pytest.mark.parametrize("kwargs,err,match", [
    ({"global_shape": (7, 9)}, ValueError, "go together"),
    ({"index": (slice(None), slice(None))}, ValueError, "go together"),
    ({"global_shape": (7, 9), "index": (slice(0, 3),)}, ValueError, r"\(3, 9\).*2 axes"),
    ({"global_shape": (7, 9), "index": (slice(0, 3), slice(0, 8))}, ValueError,
     r"\(3, 9\).*\(7, 9\)"),
    ({"global_shape": (7, 9), "index": (slice(0, 6, 2), slice(None))}, ValueError, "axis 0"),
    ({"global_shape": (7, 9), "index": [slice(0, 3), slice(None)]}, TypeError, "tuple of slices"),
    ({"global_shape": (7, 9), "index": (0, slice(None))}, TypeError, "tuple of slices"),
    ({"global_shape": 7, "index": (slice(0, 3), slice(None))}, TypeError, "global_shape"),
    ({"global_shape": (7, -9), "index": (slice(0, 3), slice(None))}, ValueError, "global_shape"),
])
def test_bad_shard_raises(kwargs, err, match):
    with pytest.raises(err, match=match):
        init.normal_(np.empty((3, 9), np.float32), seed=0, **kwargs)


# ---------------------------------------------------------------------------
# JAX's fan rules, delta_orthogonal, real signatures
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("shape,axes,fans", [
    ((30, 40), init.FanAxes(-2, -1), (30, 40)),
    ((3, 3, 30, 40), init.FanAxes(-2, -1), (270, 360)),
    ((3, 3, 30, 40), init.FanAxes(2, 3), (270, 360)),
    ((40, 30, 3, 3), init.FanAxes(1, 0), init.fan_in_fan_out((40, 30, 3, 3), "oi")),
    ((2, 3, 5, 7), init.FanAxes((1, 2), 0, 3), (15, 2)),
    ((8, 100, 200), init.FanAxes(-2, -1, 0), (100, 200)),
])
def test_fans_from_axes(shape, axes, fans):
    assert init.fan_in_fan_out(shape, axes) == fans


def test_fan_axes_errors():
    with pytest.raises(ValueError, match="share an axis"):
        init.fan_in_fan_out((3, 4), init.FanAxes(0, 0))
    with pytest.raises(ValueError, match="out of range"):
        init.fan_in_fan_out((3, 4), init.FanAxes(0, 2))
    with pytest.raises(ValueError, match="'io' or 'oi'"):
        init.orthogonal((4, 4), layout=init.FanAxes(0, 1))


@pytest.mark.parametrize("mode,n", [("fan_geo_avg", math.sqrt(300 * 500)), ("fan_avg", 400),
                                    ("fan_in", 300), ("fan_out", 500)])
def test_variance_scaling_modes(mode, n):
    w = init.variance_scaling((300, 500), 2.0, mode, "normal", dtype=np.float64, seed=0)
    assert w.std() == pytest.approx(math.sqrt(2.0 / n), rel=0.01)


@pytest.mark.parametrize("layout,shape", [("io", (3, 5, 16, 32)), ("oi", (32, 16, 3, 5)),
                                          ("io", (7, 8, 8))])
def test_delta_orthogonal(layout, shape):
    w = init.delta_orthogonal(shape, 2.0, seed=1, layout=layout, dtype=np.float64)
    centre = w[1, 2] if layout == "io" and len(shape) == 4 else \
        (w[3] if len(shape) == 3 else w[:, :, 1, 2].T)
    n_in = centre.shape[0]
    np.testing.assert_allclose(centre @ centre.T, 4.0 * np.eye(n_in), atol=1e-9)
    assert np.count_nonzero(w) == np.count_nonzero(centre)
    with pytest.raises(ValueError, match="in <= out"):
        init.delta_orthogonal((3, 3, 32, 16), seed=0)


def test_functional_initializers_show_their_real_signature():
    import inspect
    params = inspect.signature(init.he_normal).parameters
    assert list(params)[:4] == ["shape", "a", "mode", "nonlinearity"]
    assert {"dtype", "seed", "layout", "global_shape", "index"} <= set(params)
    assert params["dtype"].kind is inspect.Parameter.KEYWORD_ONLY
    assert list(inspect.signature(init.orthogonal).parameters) == ["shape", "gain", "dtype",
                                                                   "seed", "layout"]
