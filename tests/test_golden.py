"""Golden streams: the promise of docs/random.md ("Stream stability"), enforced.

For every distribution of ``fastinit.random.Generator`` and every
initializer of ``fastinit.init`` whose bits are promised, in every dtype it
takes, tests/golden_streams.json holds the SHA-256 of its first 10^5 values
and the bits of four values starting at element 2^33 + 7 (through
``offset=`` for the Generator, ``global_shape=``/``index=`` for the
initializers).  Every kernel set this CPU runs must reproduce them, and so
must every later release of the same major version.

A change that alters any of these bits is a stream change: it needs a new
major version and a CHANGELOG entry (docs/random.md).  Only then regenerate
the file, on any machine:

    python tests/test_golden.py --write
"""
import hashlib
import json
import pathlib
import sys

import ml_dtypes
import numpy as np
import pytest

from fastinit import init
from fastinit.random import Generator

GOLDEN = pathlib.Path(__file__).with_name("golden_streams.json")
N = 100_000
FAR = 2 ** 33 + 7  # past 2^32 elements: the 64-bit block counter's upper word is used
FLOATS = ("float32", "float64", "float16", "bfloat16")
SHAPE = (250, 400)  # N values, fans 250 and 400 ("io": rows are the inputs)
# a global shape of 2^34 elements whose row 2^16 starts at element 2^33
BIG = (2 ** 17, 2 ** 17)
FAR_INDEX = (slice(2 ** 16, 2 ** 16 + 1), slice(7, 11))


def _dtype(name):
    return ml_dtypes.bfloat16 if name == "bfloat16" else np.dtype(name)


# name -> (draw(dtype, size, offset), dtypes)
GENERATOR_CASES = {
    "uniform": (lambda g, dt, n, off: g.uniform(n, -3.0, 5.0, dtype=dt, offset=off), FLOATS),
    "random": (lambda g, dt, n, off: g.random(n, dtype=dt, offset=off), FLOATS),
    "normal": (lambda g, dt, n, off: g.normal(n, 0.5, 2.0, dtype=dt, offset=off), FLOATS),
    "standard_normal": (lambda g, dt, n, off: g.standard_normal(n, dtype=dt, offset=off),
                        FLOATS),
    # symmetric, one-sided (mirrored internally: a + b > 0) and far-tail intervals
    "truncated_normal": (lambda g, dt, n, off: g.truncated_normal(n, 0.1, 1.5, dtype=dt,
                                                                  offset=off), FLOATS),
    "truncated_normal_upper": (lambda g, dt, n, off: g.truncated_normal(
        n, 0.0, 1.0, a=0.5, b=3.0, dtype=dt, offset=off), FLOATS),
    "truncated_normal_tail": (lambda g, dt, n, off: g.truncated_normal(
        n, 0.0, 1.0, a=-9.0, b=-6.0, dtype=dt, offset=off), FLOATS),
    "integers": (lambda g, dt, n, off: g.integers(-5, 1000, size=n, offset=off), ("int64",)),
}

# elementwise initializers: case -> (initializer, args, kwargs); all dtypes,
# and the far block
ELEMENTWISE = {
    "constant": ("constant", (0.25,), {}),
    "zeros": ("zeros", (), {}),
    "ones": ("ones", (), {}),
    "normal": ("normal", (0.1, 0.02), {}),
    "uniform": ("uniform", (-0.5, 0.5), {}),
    "truncated_normal": ("truncated_normal", (0.0, 0.02, -0.04, 0.04), {}),
    "xavier_normal": ("xavier_normal", (1.5,), {}),
    "xavier_uniform": ("xavier_uniform", (1.5,), {}),
    "he_normal": ("he_normal", (), {"nonlinearity": "relu"}),
    "he_uniform": ("he_uniform", (5 ** 0.5,), {}),
    "he_normal_fan_out": ("he_normal", (), {"mode": "fan_out", "nonlinearity": "tanh"}),
    "lecun_normal": ("lecun_normal", (), {}),
    "lecun_uniform": ("lecun_uniform", (), {}),
    "variance_scaling": ("variance_scaling", (2.0, "fan_avg", "truncated_normal"), {}),
    "variance_scaling_normal": ("variance_scaling", (1.0, "fan_geo_avg", "untruncated_normal"),
                                {}),
    "variance_scaling_uniform": ("variance_scaling", (0.5, "fan_out", "uniform"), {}),
}
# structured initializers (no far block: they are not elementwise)
STRUCTURED = {
    "eye": ((), {}),
    "dirac": ((), {}),
    "sparse": ((0.3,), {}),
}


def _bits(values):
    """The values' bit patterns as little-endian unsigned integers: the same
    bytes on every machine."""
    v = np.ascontiguousarray(values).ravel()
    return v.view(np.dtype(f"u{v.dtype.itemsize}")).astype(f"<u{v.dtype.itemsize}")


def _record(values, far=None):
    entry = {"sha256": hashlib.sha256(_bits(values).tobytes()).hexdigest()}
    if far is not None:
        entry["far_bits"] = _bits(far).tolist()
    return entry


def compute(case):
    """The golden entry of ``case`` ("kind/name/dtype") on the active kernel set."""
    kind, name, dtname = case.split("/")
    dt = _dtype(dtname)
    if kind == "generator":
        draw = GENERATOR_CASES[name][0]
        return _record(draw(Generator(2024), dt, N, None), draw(Generator(2024), dt, 4, FAR))
    if kind == "init":
        fn, args, kwargs = ELEMENTWISE[name]
        head = getattr(init, fn)(SHAPE, *args, seed=2024, dtype=dt, **kwargs)
        far = getattr(init, fn + "_")(np.empty((1, 4), dt), *args, seed=2024,
                                      global_shape=BIG, index=FAR_INDEX, **kwargs)
        return _record(head, far)
    args, kwargs = STRUCTURED[name]
    shape = (3, 5, 7, 7) if name == "dirac" else SHAPE
    return _record(getattr(init, name)(shape, *args, seed=2024, dtype=dt, **kwargs))


def cases():
    out = [f"generator/{name}/{dt}" for name, (_, dts) in GENERATOR_CASES.items() for dt in dts]
    out += [f"init/{name}/{dt}" for name in ELEMENTWISE for dt in FLOATS]
    out += [f"structured/{name}/{dt}" for name in STRUCTURED for dt in FLOATS]
    return out


def _golden():
    return json.loads(GOLDEN.read_text())


def test_every_promised_stream_has_a_golden_entry():
    assert sorted(_golden()) == sorted(cases())


@pytest.mark.parametrize("case", cases())
def test_stream_matches_golden(case, simd):
    assert compute(case) == _golden()[case], (case, simd)


def test_golden_far_values_are_the_stream_at_that_offset():
    """The far block really is element 2^33 + 7 onward: the same values as
    the Generator's own offset draw (he_normal at the global fans)."""
    far = init.normal_(np.empty((1, 4), np.float32), 0.0, 1.0, seed=5, global_shape=BIG,
                       index=FAR_INDEX)
    np.testing.assert_array_equal(far.ravel(), Generator(5).normal(4, offset=FAR))


def test_orthogonal_is_haar_distributed():
    """orthogonal's bits are promised only per NumPy/LAPACK build; what is
    promised everywhere is the distribution: Haar on the orthogonal group.
    Its first column is uniform on the sphere, so an entry q is symmetric
    about 0 and q^2 ~ Beta(1/2, (n-1)/2) (a QR without the sign fix of R's
    diagonal fails: its q11 has one sign)."""
    stats = pytest.importorskip("scipy.stats", reason="the KS reference is scipy's")
    n, draws = 6, 3000
    q = np.array([init.orthogonal((n, n), seed=s, dtype=np.float64, layout="oi")[0, 0]
                  for s in range(draws)])
    assert stats.kstest(q ** 2, stats.beta(0.5, (n - 1) / 2).cdf).pvalue > 1e-4
    assert stats.binomtest(int((q > 0).sum()), draws).pvalue > 1e-4


def _write():
    table = {case: compute(case) for case in cases()}
    GOLDEN.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(table)} golden streams to {GOLDEN}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_golden.py --write  (a stream change: see the docstring)")
    _write()
