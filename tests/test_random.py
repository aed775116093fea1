"""fastinit.random: Philox bits, distributions, purity (threads, offsets,
SIMD sets), reproducibility and errors."""
import math

import numpy as np
import pytest

import fastinit
from fastinit import _core
from fastinit.random import Generator, as_generator, philox4x32

from conftest import source_toolchain

ISAS = {"generic": ("generic",), "avx2": ("generic", "avx2"),
        "avx512": ("generic", "avx2", "avx512")}[_core.cpu_simd()]
FILLS = ("uniform", "normal", "truncated_normal")
P_MIN = 1e-4


# Only the tests that compare against scipy ask for these and skip without it.
@pytest.fixture
def scipy_stats():
    return pytest.importorskip("scipy.stats", reason="the distribution tests need scipy")


@pytest.fixture
def scipy_special():
    return pytest.importorskip("scipy.special", reason="the ndtri reference is scipy's")


def _bits(x):
    return x.view(np.uint32 if x.dtype.itemsize == 4 else np.uint64)


def _draw(method, n, dtype, seed=7, **kw):
    return getattr(Generator(seed), method)(n, dtype=dtype, **kw)


# --------------------------------------------------------------------------
# The bit generator
# --------------------------------------------------------------------------

@pytest.mark.parametrize("counter, key, expected", [
    ((0, 0, 0, 0), (0, 0), (0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8)),
    ((0xffffffff,) * 4, (0xffffffff,) * 2, (0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd)),
    ((0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344), (0xa4093822, 0x299f31d0),
     (0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1)),
])
def test_philox_known_answers(counter, key, expected, restore_simd):
    # Random123's kat_vectors for philox4x32_10
    for isa in ISAS:
        fastinit.set_simd(isa)
        assert tuple(philox4x32(counter, key)) == expected


@pytest.mark.parametrize("isa", ISAS)
def test_simd_philox_words_match_scalar(isa, restore_simd):
    fastinit.set_simd("generic")
    state = (0x12345678, 0x9abcdef0, 0xfedcba9876543210, 0)
    ref = np.empty(4 * 77, np.uint32)
    fastinit._core.philox_words(state, (1 << 32) - 5, ref)  # carries into ctr[1]
    fastinit.set_simd(isa)
    got = np.empty_like(ref)
    fastinit._core.philox_words(state, (1 << 32) - 5, got)
    np.testing.assert_array_equal(got, ref)
    for i in range(77):
        b = (1 << 32) - 5 + i
        one = philox4x32((b & 0xffffffff, b >> 32, state[2] & 0xffffffff, state[2] >> 32),
                         state[:2])
        np.testing.assert_array_equal(one, ref[4 * i:4 * i + 4])


def test_uniform_float32_uses_top_24_bits_of_each_word():
    g = Generator(3)
    u = g.uniform(64)
    words = np.empty(64, np.uint32)
    fastinit._core.philox_words((*g._key, g._stream, 0), 0, words)
    np.testing.assert_array_equal(u, (words >> 8).astype(np.float32) * np.float32(2.0 ** -24))


def test_uniform_float64_uses_53_bits():
    g = Generator(3)
    u = g.uniform(64, dtype=np.float64)
    w = np.empty(128, np.uint32)
    fastinit._core.philox_words((*g._key, g._stream, 0), 0, w)
    a, b = (w[0::2] >> 6).astype(np.float64), (w[1::2] >> 5).astype(np.float64)
    np.testing.assert_array_equal(u, (a * 2.0 ** 27 + b) * 2.0 ** -53)


# --------------------------------------------------------------------------
# Purity: SIMD sets, threads, offsets and chunkings
# --------------------------------------------------------------------------

@pytest.mark.parametrize("method", FILLS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 3, 17, 129, 1000, 100_003])
def test_every_simd_set_gives_the_same_bits(method, dtype, n, restore_simd):
    results = []
    for isa in ISAS:
        assert fastinit.set_simd(isa) == isa
        results.append(_draw(method, n, dtype, mean=0.5, std=2.0) if method != "uniform"
                       else _draw(method, n, dtype, low=-3.0, high=5.0))
    for r in results[1:]:
        np.testing.assert_array_equal(_bits(r), _bits(results[0]))


@pytest.mark.parametrize("a, b", [(-2.0, 2.0), (-9.0, -6.0), (0.5, 3.0), (-0.1, 0.1),
                                  (-math.inf, -3.0), (6.0, 9.0), (-36.9, -30.0),
                                  (-1.0, math.inf), (-math.inf, math.inf)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, "bfloat16"])
def test_truncated_normal_tails_same_bits_on_every_set(a, b, dtype, restore_simd):
    """Intervals whose draws fall in fi_ndtri's tail branches (|p - 1/2| >
    0.425; beyond r = 5 for [-9, -6], [6, 9]) for some, most or all lanes: the
    AVX-512 kernel queues those lanes and runs them 8 at a time, so each
    vector mixes lanes from different places.  Odd sizes and offsets start
    and end mid-vector, mid-block and mid-chunk."""
    for n, offset in [(1, 0), (3, 5), (17, 0), (129, 3), (1000, 13), (3001, 1021),
                      (40_000, 7)]:
        results = []
        for isa in ISAS:
            fastinit.set_simd(isa)
            x = Generator(5).truncated_normal(n, 0.5, 2.0, a, b, dtype=dtype, offset=offset)
            results.append(x.view(np.uint16) if x.dtype.itemsize == 2 else _bits(x))
        for isa, r in zip(ISAS, results):
            np.testing.assert_array_equal(r, results[0], err_msg=f"{isa} n={n} offset={offset}")


@pytest.mark.parametrize("dtype, digest", [(np.float32, "4f1b5e21565c9603"),
                                           (np.float64, "f05aed345d2c988a")])
def test_normal_bits_are_pinned(dtype, digest, restore_simd):
    """The Box-Muller path's own log/sin/cos (csrc/vmath/vmath_log.h) fix
    every bit of a normal fill on every machine and SIMD set: a change to
    those functions that every set makes alike would still fail here."""
    import hashlib

    for isa in ISAS:
        fastinit.set_simd(isa)
        z = Generator(11).normal(100_003, dtype=dtype)
        assert hashlib.sha256(z.tobytes()).hexdigest()[:16] == digest, isa


def test_integers_same_bits_on_every_simd_set(restore_simd):
    results = []
    for isa in ISAS:
        fastinit.set_simd(isa)
        results.append(Generator(1).integers(-5, 1000, size=10_001))
    for r in results[1:]:
        np.testing.assert_array_equal(r, results[0])


@pytest.mark.parametrize("method", FILLS + ("integers",))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_one_and_two_threads_give_the_same_bits(method, dtype, threads, restore_simd):
    n = 1_000_003
    for isa in ISAS:
        fastinit.set_simd(isa)
        out = []
        for nt in (1, 2):
            fastinit.set_num_threads(nt)
            if method == "integers":
                out.append(Generator(11).integers(0, 10 ** 9, size=n))
            else:
                out.append(_bits(_draw(method, n, dtype, seed=11)))
        np.testing.assert_array_equal(out[0], out[1])


@pytest.mark.parametrize("method", FILLS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_offset_fills_match_slices_of_the_whole(method, dtype, rng, restore_simd):
    n = 5000
    for isa in ISAS:
        fastinit.set_simd(isa)
        whole = _draw(method, n, dtype, seed=5)
        for _ in range(40):
            k = int(rng.integers(0, n))
            m = int(rng.integers(0, n - k + 1))
            part = _draw(method, m, dtype, seed=5, offset=k)
            np.testing.assert_array_equal(_bits(part), _bits(whole[k:k + m]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_any_chunking_gives_the_whole(dtype, rng):
    n = 100_000
    whole = Generator(9).normal(n, dtype=dtype)
    cuts = np.sort(rng.choice(np.arange(1, n), size=30, replace=False))
    g = Generator(9)
    pieces = [g.normal(e - s, dtype=dtype, offset=s)
              for s, e in zip(np.r_[0, cuts], np.r_[cuts, n])]
    np.testing.assert_array_equal(_bits(np.concatenate(pieces)), _bits(whole))


def test_offset_does_not_advance_and_calls_without_it_do():
    g = Generator(4)
    a = g.normal(10, offset=0)
    assert g.position == 0
    b = g.normal(10)
    np.testing.assert_array_equal(a, b)
    assert g.position == 3  # ceil(10 / 4) float32 blocks
    c = g.normal(10)
    assert not np.array_equal(b, c)
    # the stream continues where the last call ended, block-aligned
    np.testing.assert_array_equal(c, Generator(4).normal(22)[12:22])


def test_large_fill_matches_piecewise_across_chunk_boundary():
    # the Cython bridge cuts fills into 2**23-element pieces
    n = (1 << 23) + 4099
    whole = Generator(2).uniform(n)
    tail = Generator(2).uniform(5000, offset=(1 << 23) - 901)
    np.testing.assert_array_equal(whole[(1 << 23) - 901:(1 << 23) + 4099], tail)


# --------------------------------------------------------------------------
# Reproducibility and streams
# --------------------------------------------------------------------------

def test_same_seed_same_bits_different_seeds_differ():
    a = Generator(123).normal(1000)
    np.testing.assert_array_equal(_bits(a), _bits(Generator(123).normal(1000)))
    assert not np.array_equal(a, Generator(124).normal(1000))
    assert not np.array_equal(a, Generator(None).normal(1000))
    assert not np.array_equal(Generator(None).normal(10), Generator(None).normal(10))


def test_spawn_gives_independent_reproducible_streams():
    kids = Generator(5).spawn(3)
    draws = [k.normal(2000) for k in kids]
    again = [k.normal(2000) for k in Generator(5).spawn(3)]
    for d, e in zip(draws, again):
        np.testing.assert_array_equal(d, e)
    parent = Generator(5).normal(2000)
    for i, d in enumerate(draws):
        assert abs(np.corrcoef(d, parent)[0, 1]) < 0.1
        for e in draws[i + 1:]:
            assert abs(np.corrcoef(d, e)[0, 1]) < 0.1
    assert Generator(5).spawn(0) == []
    with pytest.raises(ValueError, match="n must be <="):
        Generator(5).spawn(2**62)


def test_reserve_and_threads_sharing_a_generator():
    import threading
    g = Generator(6)
    snap = g.reserve(10)
    np.testing.assert_array_equal(snap.normal(10, offset=0), Generator(6).normal(10))
    assert g.position == 3
    results = []

    def draw():
        results.append([g.uniform(1000) for _ in range(200)])

    workers = [threading.Thread(target=draw) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert g.position == 3 + 2 * 200 * 250
    allv = np.concatenate([np.concatenate(r) for r in results])
    expected = Generator(6).uniform(12 + 400_000)[12:]
    np.testing.assert_array_equal(np.sort(allv), np.sort(expected))


def test_snapshot_is_independent():
    g = Generator(8)
    g.normal(5)
    s = g.snapshot()
    np.testing.assert_array_equal(s.normal(7), g.normal(7))
    assert s.position == g.position


def test_as_generator():
    g = Generator(1)
    assert as_generator(g) is g
    assert isinstance(as_generator(3), Generator)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        as_generator(np.random.default_rng(0))


# --------------------------------------------------------------------------
# Distributions (Kolmogorov-Smirnov, p > 1e-4)
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("low, high", [(0.0, 1.0), (-3.0, 5.5), (1e-3, 2e-3)])
def test_uniform_distribution(dtype, low, high, restore_simd, scipy_stats):
    for isa in ISAS:
        fastinit.set_simd(isa)
        x = Generator(21).uniform(50_000, low, high, dtype=dtype)
        assert x.dtype == dtype
        assert x.min() >= low and x.max() <= high
        # a CDF callable: SciPy 1.18 no longer takes a name with args=
        p = scipy_stats.kstest(x.astype(np.float64),
                               scipy_stats.uniform(low, high - low).cdf).pvalue
        assert p > P_MIN


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mean, std", [(0.0, 1.0), (3.0, 0.01), (-1.0, 7.0)])
def test_normal_distribution(dtype, mean, std, restore_simd, scipy_stats):
    for isa in ISAS:
        fastinit.set_simd(isa)
        x = Generator(22).normal(100_000, mean, std, dtype=dtype).astype(np.float64)
        assert scipy_stats.kstest(x, scipy_stats.norm(mean, std).cdf).pvalue > P_MIN
        assert abs(x.mean() - mean) < 5 * std / math.sqrt(x.size)


def test_normal_matches_box_muller_reference():
    # radius and angle recomputed in float64 from the raw words: a few ulp
    g = Generator(9)
    z = g.normal(200_000).astype(np.float64)
    w = np.empty(200_000, np.uint32)
    fastinit._core.philox_words((*g._key, g._stream, 0), 0, w)
    u1 = ((w[0::2] >> 8) + 1) * 2.0 ** -24
    theta = 2 * np.pi * (w[1::2] >> 8) * 2.0 ** -24
    r = np.sqrt(-2 * np.log(u1))
    ref = np.stack([r * np.cos(theta), r * np.sin(theta)], 1).ravel()
    np.testing.assert_allclose(z, ref, rtol=5e-7, atol=1e-6)
    assert np.abs(z).max() <= math.sqrt(-2 * math.log(2.0 ** -24)) + 1e-6


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("a, b", [(-2.0, 2.0), (-1.0, 3.0), (0.5, 1.0), (3.0, 6.0),
                                  (-8.0, -4.0), (-math.inf, 0.0), (1.0, math.inf)])
def test_truncated_normal_distribution(dtype, a, b, scipy_stats):
    mean, std = 0.5, 2.0
    x = Generator(23).truncated_normal(50_000, mean, std, a, b, dtype=dtype).astype(np.float64)
    lo, hi = mean + a * std, mean + b * std
    assert x.min() >= lo - 1e-6 * std and x.max() <= hi + 1e-6 * std
    ref = scipy_stats.truncnorm(a, b, loc=mean, scale=std)
    assert scipy_stats.kstest(x, ref.cdf).pvalue > P_MIN


def test_normal_cdf_is_correctly_rounded():
    """fastinit's own Phi (csrc/random/normal_cdf.c), which replaced libm's
    erfc so that the truncated normal's bits are the same on every
    platform: at most 1 ulp from a 300-bit reference everywhere, and the
    correctly rounded value at almost every point."""
    mpmath = pytest.importorskip("mpmath", reason="the 300-bit reference is mpmath's")
    rng = np.random.default_rng(7)
    xs = np.concatenate([rng.uniform(-38.5, 9.5, 3000), rng.uniform(-6.0, 6.0, 3000),
                         [-38.4, -20.0, -5.0000001, -5.0, -4.9999999, -1e-300, 1e-300,
                          0.5, 4.9999999, 5.0, 5.0000001, 8.999]])
    inexact = 0
    with mpmath.workprec(300):
        for x in xs:
            ref = mpmath.ncdf(mpmath.mpf(float(x)))
            got = fastinit._core.normal_cdf(float(x))
            if got != float(ref):
                inexact += 1
                ulp = np.spacing(float(ref)) if float(ref) else 5e-324
                assert abs(float((mpmath.mpf(got) - ref) / ulp)) <= 1.0, x
    assert inexact <= len(xs) // 1000


def test_normal_cdf_special_values():
    cdf = fastinit._core.normal_cdf
    assert cdf(0.0) == 0.5
    assert cdf(-math.inf) == 0.0 and cdf(-39.0) == 0.0
    assert cdf(math.inf) == 1.0 and cdf(9.5) == 1.0
    assert math.isnan(cdf(math.nan))
    assert 0.0 < cdf(-38.0) < 1e-300  # subnormal, not flushed
    x = np.linspace(-12.0, 8.0, 2001)
    assert np.all(np.diff([cdf(v) for v in x]) >= 0)


def test_ndtri_matches_scipy(scipy_special):
    p = np.concatenate([np.linspace(1e-9, 1 - 1e-9, 2001), np.logspace(-300, -1, 300)])
    got = np.array([fastinit._core.ndtri(v) for v in p])
    np.testing.assert_allclose(got, scipy_special.ndtri(p), rtol=1e-14)
    assert fastinit._core.ndtri(0.0) == -math.inf
    assert fastinit._core.ndtri(1.0) == math.inf
    assert math.isnan(fastinit._core.ndtri(1.5))


def test_integers_uniformity(scipy_stats):
    x = Generator(31).integers(-3, 7, size=100_000)
    assert scipy_stats.chisquare(np.bincount(x + 3, minlength=10)).pvalue > P_MIN


def test_integers_range():
    g = Generator(31)
    x = g.integers(-3, 7, size=100_000)
    assert x.dtype == np.int64 and x.min() == -3 and x.max() == 6
    y = g.integers(5, size=(10, 3), dtype=np.int32)
    assert y.dtype == np.int32 and y.shape == (10, 3) and 0 <= y.min() and y.max() < 5
    big = g.integers(-(1 << 63), (1 << 63) - 1, size=1000)
    assert big.min() < -(1 << 60) and big.max() > (1 << 60)
    assert isinstance(g.integers(10), np.integer)


# --------------------------------------------------------------------------
# API: sizes, dtypes, out=
# --------------------------------------------------------------------------

def test_sizes_dtypes_and_scalars():
    g = Generator(0)
    assert g.normal().shape == () and isinstance(g.normal(), np.float32)
    assert isinstance(g.uniform(dtype=np.float64), np.float64)
    assert g.normal((2, 3, 4)).shape == (2, 3, 4)
    assert g.normal(0).shape == (0,)
    assert g.random(5).dtype == np.float32
    assert g.standard_normal((3, 3), dtype=np.float64).dtype == np.float64


def test_out_is_filled_in_place():
    out = np.empty((7, 11), np.float64)
    res = Generator(3).normal(out=out)
    assert res is out
    np.testing.assert_array_equal(out.ravel(), Generator(3).normal(77, dtype=np.float64))
    with pytest.raises(ValueError, match="dtype"):
        Generator(3).normal(out=out, dtype=np.float32)
    with pytest.raises(ValueError, match="shape"):
        Generator(3).normal((7, 10), out=out)
    with pytest.raises(ValueError, match="C-contiguous"):
        Generator(3).normal(out=out.T)
    with pytest.raises(TypeError, match="out must have dtype"):
        Generator(3).normal(out=np.empty(3, np.int16))


# high - low at the edge of overflow: the largest float32 is 2**128 - 2**104,
# and doubles from 2**128 - 2**103 up round to inf in float32.
_F32_MAX = float(np.finfo(np.float32).max)
_F32_TO_INF = 2.0 ** 128 - 2.0 ** 103
SPAN_EDGES = [0.0, 1.0, 2.0 ** 103, 2.0 ** 103 - 2.0 ** 79, 2.0 ** 127, 1.7e38, _F32_MAX,
              np.nextafter(_F32_TO_INF, 0.0), _F32_TO_INF, 1e39, 1e300, 8.9e307]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_uniform_rejects_exactly_the_spans_that_overflow(dtype):
    g = Generator(0)
    for high in SPAN_EDGES:
        for low in [-v for v in SPAN_EDGES if -v < high]:
            with np.errstate(over="ignore", invalid="ignore"):
                overflows = not np.isfinite(np.asarray(high, dtype) - np.asarray(low, dtype))
            if overflows:
                with pytest.raises(ValueError, match="overflows"):
                    g.uniform(2, low, high, dtype=dtype)
            else:
                out = g.uniform(2, low, high, dtype=dtype)
                assert np.all(np.isfinite(out)), (low, high)


def test_argument_errors():
    g = Generator(0)
    with pytest.raises(ValueError, match="std"):
        g.normal(3, std=-1.0)
    with pytest.raises(ValueError, match="low < high"):
        g.uniform(3, 1.0, 1.0)
    with pytest.raises(ValueError, match="finite"):
        g.uniform(3, 0.0, math.inf)
    with pytest.raises(ValueError, match="overflows"):
        g.uniform(3, -3e38, 3e38)
    with pytest.raises(ValueError, match="a < b"):
        g.truncated_normal(3, a=1.0, b=1.0)
    with pytest.raises(ValueError, match="a < b"):
        g.truncated_normal(3, a=math.inf, b=math.inf)
    with pytest.raises(ValueError, match="a < b"):
        g.truncated_normal(3, a=math.nan, b=1.0)
    with pytest.raises(ValueError, match="37"):
        g.truncated_normal(3, a=40.0, b=41.0)
    with pytest.raises(ValueError, match="std"):
        g.truncated_normal(3, std=-2.0)
    with pytest.raises(TypeError):
        g.normal(3, mean="0")
    with pytest.raises(TypeError, match="dtype"):
        g.normal(3, dtype=np.int32)
    with pytest.raises(TypeError, match="size"):
        g.normal(2.5)
    with pytest.raises(ValueError):
        g.normal(-1)
    with pytest.raises(ValueError):
        g.normal(3, offset=-1)
    with pytest.raises(ValueError, match="low < high"):
        g.integers(5, 5)
    with pytest.raises(ValueError, match="fit"):
        g.integers(0, 1 << 40, dtype=np.int32)
    with pytest.raises(TypeError, match="dtype"):
        g.integers(0, 5, dtype=np.float32)
    with pytest.raises(TypeError, match="bool"):
        Generator(True)
    with pytest.raises(ValueError):
        Generator(-1)
    with pytest.raises(TypeError):
        Generator(Generator(1))


# --------------------------------------------------------------------------
# The AVX-512 kernels on machines without AVX-512: emulated intrinsics
# --------------------------------------------------------------------------

def test_avx512_kernels_match_generic_under_emulation(tmp_path):
    """Builds csrc/random/distributions_avx512.c against tests/avx512_emu/immintrin.h
    (plain-C intrinsics) and checks its uniform/normal/truncated-normal/raw-word
    output bit for bit against the generic kernels.  On AVX-512 hardware the SIMD tests above
    run the real kernels as well."""
    import subprocess

    csrc, tests, cc = source_toolchain("csrc/random/distributions_avx512.c",
                                       "tests/avx512_emu/check.c")
    emu = tests / "avx512_emu"

    def compile_(src, *flags):
        obj = tmp_path / (src.stem + ".o")
        subprocess.run([cc, "-std=gnu11", "-O1", *flags, f"-I{csrc}", "-c", str(src), "-o",
                        str(obj)], check=True, capture_output=True)
        return str(obj)

    objs = [compile_(csrc / "random" / "distributions_avx512.c", f"-I{emu}", "-D__AVX512F__",
                     "-D__AVX512DQ__"),
            compile_(csrc / "random" / "distributions_avx2.c", "-mavx2", "-mfma", "-mf16c"),
            compile_(csrc / "random" / "distributions.c"),
            compile_(csrc / "random" / "normal_cdf.c"), compile_(csrc / "core" / "cpu.c"),
            compile_(csrc / "core" / "runtime.c"), compile_(csrc / "core" / "pool.c"),
            compile_(csrc / "core" / "spread.c"), compile_(csrc / "core" / "bufcache.c")]
    exe = tmp_path / "check"
    subprocess.run([cc, f"-I{csrc}", str(emu / "check.c"), *objs, "-lm", "-pthread", "-o",
                    str(exe)],
                   check=True, capture_output=True)
    res = subprocess.run([str(exe)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "== generic" in res.stdout


def test_number_arguments_plain_and_numpy_types_agree():
    # plain float/int take a fast path past the numbers.Real/operator.index
    # checks; NumPy scalars take the general one: the same values and errors
    g = fastinit.random.Generator(5)
    plain = g.uniform(7, 0.5, 2.0, offset=3)
    assert np.array_equal(plain, g.uniform(7, np.float64(0.5), np.float32(2.0),
                                           offset=np.int64(3)))
    assert np.array_equal(plain, g.uniform(7, 0.5, 2, offset=3))
    for bad in (True, np.bool_(False), "0.5", None):
        with pytest.raises(TypeError, match="low must be a real number"):
            g.uniform(7, bad, 2.0)
    with pytest.raises(ValueError, match="low must be finite"):
        g.uniform(7, float("nan"), 2.0)
    for bad in (True, 1.0, "3"):
        with pytest.raises(TypeError, match="offset must be an integer"):
            g.uniform(7, offset=bad)
    for bad in (-1, np.int64(-1)):
        with pytest.raises(ValueError, match="offset must be >= 0, got -1"):
            g.uniform(7, offset=bad)
