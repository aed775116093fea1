"""fastinit.ops.matmul / affine / sum_rows against their NumPy twins
(fastinit.reference.functional), on every transpose combination, odd
shapes, both dtypes, every SIMD set the CPU runs, and 1 vs 2 threads."""
import itertools

import numpy as np
import pytest

import fastinit
from fastinit import _core, ops
from fastinit.reference import functional as ref

from conftest import DTYPES, ODD_SIZES, simd_sets, source_toolchain, tol

TRANS = list(itertools.product((False, True), repeat=2))
# (m, k, n): every odd size on each axis, mixed with the others
SHAPES = sorted({(s, 17, 129) for s in ODD_SIZES} | {(129, s, 17) for s in ODD_SIZES}
                | {(17, 129, s) for s in ODD_SIZES}
                | {(1, 1, 1), (3, 3, 3), (1000, 3, 1), (1, 1000, 3), (3, 1, 1000),
                   (129, 1000, 129)})
ACTIVATIONS = sorted(ops.ACTIVATIONS)


use_simd = fastinit.set_simd


def operands(rng, m, k, n, dtype, trans_a=False, trans_b=False):
    a = rng.standard_normal((k, m) if trans_a else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if trans_b else (k, n)).astype(dtype)
    return a, b


def assert_product_close(res, a, b, dtype, expected):
    """|res - expected| within tol(dtype) of |a| @ |b| (the error scale of
    a dot product), elementwise."""
    scale = np.abs(a.astype(np.float64)) @ np.abs(b.astype(np.float64))
    assert res.dtype == np.dtype(dtype)
    err = np.abs(res.astype(np.float64) - expected.astype(np.float64))
    assert np.all(err <= tol(dtype) * (scale + 1e-30)), float(np.max(err / (scale + 1e-30)))


# --------------------------------------------------------------------------
# matmul
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a,trans_b", TRANS)
@pytest.mark.parametrize("m,k,n", SHAPES)
def test_matmul_matches_numpy(rng, m, k, n, dtype, trans_a, trans_b):
    a, b = operands(rng, m, k, n, dtype, trans_a, trans_b)
    res = ops.matmul(a, b, trans_a=trans_a, trans_b=trans_b)
    assert res.shape == (m, n) and res.flags.c_contiguous
    opa = a.T if trans_a else a
    opb = b.T if trans_b else b
    assert_product_close(res, opa, opb, dtype, ref.matmul(a.astype(np.float64),
                                                          b.astype(np.float64),
                                                          trans_a=trans_a, trans_b=trans_b))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a,trans_b", TRANS)
@pytest.mark.parametrize("alpha,beta", [(1.0, 1.0), (-2.5, 0.5), (0.0, 3.0), (0.5, -1.0)])
def test_matmul_alpha_beta(rng, dtype, trans_a, trans_b, alpha, beta):
    m, k, n = 129, 300, 17  # k above one K block only for some kernels: both paths
    a, b = operands(rng, m, k, n, dtype, trans_a, trans_b)
    c0 = rng.standard_normal((m, n)).astype(dtype)
    out = c0.copy()
    res = ops.matmul(a, b, out=out, trans_a=trans_a, trans_b=trans_b, alpha=alpha, beta=beta)
    assert res is out
    expected = ref.matmul(a.astype(np.float64), b.astype(np.float64), c0.astype(np.float64),
                          trans_a=trans_a, trans_b=trans_b, alpha=alpha, beta=beta)
    opa = a.T if trans_a else a
    opb = b.T if trans_b else b
    scale = abs(alpha) * (np.abs(opa.astype(np.float64)) @ np.abs(opb.astype(np.float64))) \
        + abs(beta) * np.abs(c0)
    assert np.all(np.abs(res - expected) <= tol(dtype) * scale + 1e-30)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("k", [0, 1, 700])
def test_beta_zero_ignores_nan_in_out(rng, dtype, k):
    a, b = operands(rng, 20, k, 33, dtype)
    out = np.full((20, 33), np.nan, dtype)
    ops.matmul(a, b, out=out)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out, a.astype(np.float64) @ b, rtol=tol(dtype) * 10,
                               atol=tol(dtype) * 10 * max(k, 1))


@pytest.mark.parametrize("dtype", DTYPES)
def test_k_zero_scales_out(dtype):
    a = np.empty((4, 0), dtype)
    b = np.empty((0, 5), dtype)
    np.testing.assert_array_equal(ops.matmul(a, b), np.zeros((4, 5), dtype))
    c = np.full((4, 5), 2.0, dtype)
    ops.matmul(a, b, out=c, beta=1.5)
    np.testing.assert_array_equal(c, np.full((4, 5), 3.0, dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape_a,shape_b", [((0, 3), (3, 4)), ((3, 4), (4, 0)),
                                             ((0, 0), (0, 0)), ((0, 5), (5, 0))])
def test_empty(dtype, shape_a, shape_b):
    res = ops.matmul(np.ones(shape_a, dtype), np.ones(shape_b, dtype))
    assert res.shape == (shape_a[0], shape_b[1]) and res.dtype == dtype


@pytest.mark.parametrize("dtype", DTYPES)
def test_non_contiguous_and_fortran_inputs(rng, dtype):
    big_a = rng.standard_normal((60, 90)).astype(dtype)
    big_b = rng.standard_normal((90, 70)).astype(dtype)
    cases = [
        (big_a[::2, ::3], big_b[::3, ::2]),             # strided views: copied
        (np.asfortranarray(big_a), np.asfortranarray(big_b)),  # used through trans flags
        (big_a.T.copy().T, big_b[:, :35]),              # F-ordered, sliced
    ]
    for a, b in cases:
        expected = a.astype(np.float64) @ b.astype(np.float64)
        assert_product_close(ops.matmul(a, b), a, b, dtype, expected)
        # trans flags on F-ordered inputs compose with the layout
        assert_product_close(ops.matmul(a.T, b.T, trans_a=True, trans_b=True), a, b, dtype,
                             expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_out_aliasing_an_input(rng, dtype):
    a = rng.standard_normal((40, 40)).astype(dtype)
    b = rng.standard_normal((40, 40)).astype(dtype)
    expected = ops.matmul(a, b)
    a2 = a.copy()
    assert ops.matmul(a2, b, out=a2) is a2
    np.testing.assert_array_equal(a2, expected)
    b2 = b.copy()
    ops.matmul(a, b2, out=b2)
    np.testing.assert_array_equal(b2, expected)
    # accumulate into an input
    c = a.copy()
    ops.matmul(c, b, out=c, beta=1.0)
    np.testing.assert_allclose(c, expected + a, rtol=tol(dtype) * 10, atol=tol(dtype) * 100)


def test_lists_become_float64():
    res = ops.matmul([[1, 2], [3, 4]], [[1.0], [1.0]])
    assert res.dtype == np.float64
    np.testing.assert_array_equal(res, [[3.0], [7.0]])


# --------------------------------------------------------------------------
# one result whatever the threads, tiles, chunks; every SIMD set
# --------------------------------------------------------------------------

BITWISE_SHAPES = [(1000, 100, 100), (128, 784, 100), (6, 300, 4000), (300, 700, 257),
                  (17, 1000, 129), (2, 3, 5), (2100, 30, 40)]  # the last: B packed on every set


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m,k,n", BITWISE_SHAPES)
def test_one_vs_two_threads_bitwise(rng, threads, restore_simd, m, k, n, dtype):
    for isa in simd_sets():
        use_simd(isa)
        for trans_a, trans_b in TRANS:
            a, b = operands(rng, m, k, n, dtype, trans_a, trans_b)
            bias = rng.standard_normal(n).astype(dtype)
            c0 = (100 * rng.standard_normal((m, n))).astype(dtype)
            results = []
            for nt in (1, 2):
                fastinit.set_num_threads(nt)
                c = c0.copy()
                ops.matmul(a, b, out=c, trans_a=trans_a, trans_b=trans_b, alpha=0.007, beta=0.3)
                x = a.T if trans_a else a
                w = b.T if trans_b else b
                results.append((c, ops.affine(x, w, bias, "tanh")))
            np.testing.assert_array_equal(results[0][0], results[1][0])
            np.testing.assert_array_equal(results[0][1], results[1][1])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m,k,n", [(17, 129, 3), (129, 784, 100), (1000, 100, 17),
                                   (600, 600, 600)])
def test_any_split_of_the_team_gives_the_same_bits(rng, threads, m, k, n, dtype):
    """Products are cut into pool parts by thread count (3 and 4
    oversubscribe two cores) and each part runs on whichever thread claims
    it: no bit changes, with packed or in-place A and B, beta, the epilogue
    and several K blocks."""
    for trans_a, trans_b in TRANS:
        a, b = operands(rng, m, k, n, dtype, trans_a, trans_b)
        bias = rng.standard_normal(n).astype(dtype)
        c0 = (100 * rng.standard_normal((m, n))).astype(dtype)
        results = []
        for nt in (1, 2, 3, 4):
            fastinit.set_num_threads(nt)
            c = c0.copy()
            ops.matmul(a, b, out=c, trans_a=trans_a, trans_b=trans_b, alpha=0.007, beta=0.3)
            x = a.T if trans_a else a
            w = b.T if trans_b else b
            results.append((c, ops.affine(x, w, bias, "tanh")))
        for c, y in results[1:]:
            np.testing.assert_array_equal(c, results[0][0])
            np.testing.assert_array_equal(y, results[0][1])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a", [False, True])
def test_result_independent_of_tile_position(rng, restore_simd, threads, trans_a, dtype):
    """Rows and columns give the same bits wherever they fall in the tile grid
    (full tile, short tile of any height, edge tile, narrow sliver, packed or
    in-place A, the rows split between 1 or 2 threads)."""
    for isa in simd_sets():
        use_simd(isa)
        a, b = operands(rng, 61, 300, 45, dtype, trans_a)
        # beta * C dominates, so any change in how it is rounded shows
        c0 = (100 * rng.standard_normal((61, 45))).astype(dtype)
        fastinit.set_num_threads(1)
        full = c0.copy()
        ops.matmul(a, b, out=full, alpha=0.013, beta=0.3, trans_a=trans_a)
        for nt in (1, 2):
            fastinit.set_num_threads(nt)
            for r0, c0_ in [(1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (0, 3), (7, 9), (0, 37),
                            (56, 0), (58, 40)]:
                part = c0[r0:, c0_:].copy()
                a_rows = a[:, r0:] if trans_a else a[r0:]
                ops.matmul(a_rows, b[:, c0_:], out=part, alpha=0.013, beta=0.3,
                           trans_a=trans_a)
                np.testing.assert_array_equal(part, full[r0:, c0_:])


@pytest.mark.parametrize("w", [1, 2, 3, 4])
def test_narrow_last_columns_equal_full_sliver_columns(rng, threads, restore_simd, w):
    """A last sliver of 1-4 columns (n = 100 leaves 4) runs its own kernel
    on the AVX-512 set, four rows to a vector.  Its columns must have the
    bits they get inside a full 32-wide sliver (the same columns, shifted
    left by 4): any row count (tails of 48- and 16-row blocks, fewer rows
    than 4), K not a multiple of 4, several K blocks, beta, the epilogue
    and 1 or 2 threads."""
    dtype = np.float32
    for isa in simd_sets():
        use_simd(isa)
        for m, k in [(1, 5), (3, 4), (5, 130), (47, 33), (48, 300), (49, 1), (130, 600)]:
            a = rng.standard_normal((m, k)).astype(dtype)
            b = rng.standard_normal((k, 32 + w)).astype(dtype)
            bias = rng.standard_normal(32 + w).astype(dtype)
            c0 = (100 * rng.standard_normal((m, 32 + w))).astype(dtype)
            for nt in (1, 2):
                fastinit.set_num_threads(nt)
                narrow, shifted = c0.copy(), c0[:, w:].copy()
                ops.matmul(a, b, out=narrow, alpha=0.013, beta=0.3)
                ops.matmul(a, b[:, w:], out=shifted, alpha=0.013, beta=0.3)
                np.testing.assert_array_equal(narrow[:, 32:], shifted[:, 32 - w:])
                np.testing.assert_array_equal(ops.affine(a, b, bias, "tanh")[:, 32:],
                                              ops.affine(a, b[:, w:], bias[w:], "tanh")[:, 32 - w:])
                plain = ops.matmul(a, b)  # beta = 0: C is write-only
                np.testing.assert_array_equal(plain[:, 32:], ops.matmul(a, b[:, w:])[:, 32 - w:])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [5, 20, 24, 28, 32, 100])
def test_b_in_place_equals_packed_b(rng, threads, restore_simd, n, dtype):
    """Short products read B in place and pack only a partial last sliver;
    B whose rows are 2 KiB apart is always packed.  Both give the same bits
    (sliver widths: partial narrow, exactly half, partial wide, full), over
    one and several K blocks, with beta, the epilogue and 1 or 2 threads."""
    wide = 2048 // np.dtype(dtype).itemsize
    for isa in simd_sets():
        use_simd(isa)
        for m, k in [(1, 3), (7, 300), (129, 700), (500, 17)]:
            a = rng.standard_normal((m, k)).astype(dtype)
            b_packed = np.zeros((k, wide), dtype)[:, :n]
            b_packed[...] = rng.standard_normal((k, n))
            b_in_place = b_packed.copy()
            bias = rng.standard_normal(n).astype(dtype)
            c0 = (100 * rng.standard_normal((m, n))).astype(dtype)
            for nt in (1, 2):
                fastinit.set_num_threads(nt)
                got = []
                for b in (b_in_place, b_packed):
                    c = c0.copy()
                    ops.matmul(a, b, out=c, alpha=0.007, beta=0.3)
                    got.append((c, ops.affine(a, b, bias, "relu")))
                np.testing.assert_array_equal(got[0][0], got[1][0])
                np.testing.assert_array_equal(got[0][1], got[1][1])
                a64, b64 = a.astype(np.float64), b_packed.astype(np.float64)
                expect = 0.007 * (a64 @ b64) + 0.3 * c0
                scale = 0.007 * (np.abs(a64) @ np.abs(b64)) + 0.3 * np.abs(c0)
                assert np.all(np.abs(got[0][0] - expect) <= tol(dtype) * scale)


@pytest.mark.parametrize("dtype", DTYPES)
def test_chunked_product_is_bitwise_equal(rng, monkeypatch, dtype):
    """Huge products run in blocks with signal checks; blocks change nothing."""
    a, b = operands(rng, 130, 70, 90, dtype)
    bias = rng.standard_normal(90).astype(dtype)
    whole = ops.affine(a, b, bias, "relu")
    whole_t = ops.matmul(a.T.copy(), b.T.copy(), trans_a=True, trans_b=True)
    monkeypatch.setattr(_core, "chunk_work", 1000)
    monkeypatch.setattr(_core, "chunk_min_side", 16)
    np.testing.assert_array_equal(ops.affine(a, b, bias, "relu"), whole)
    np.testing.assert_array_equal(
        ops.matmul(a.T.copy(), b.T.copy(), trans_a=True, trans_b=True), whole_t)


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_simd_set_agrees(rng, restore_simd, dtype):
    sets = simd_sets()
    for m, k, n in [(129, 1000, 17), (3, 17, 129), (300, 257, 70)]:
        for trans_a, trans_b in TRANS:
            a, b = operands(rng, m, k, n, dtype, trans_a, trans_b)
            results = {}
            for isa in sets:
                assert use_simd(isa) == isa
                results[isa] = ops.matmul(a, b, trans_a=trans_a, trans_b=trans_b)
            opa = a.T if trans_a else a
            opb = b.T if trans_b else b
            for isa in sets[1:]:
                assert_product_close(results[isa], opa, opb, dtype, results["generic"])


# --------------------------------------------------------------------------
# affine
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("n,d,m", [(1000, 100, 100), (1, 3, 1), (17, 129, 3), (129, 1000, 17)])
def test_affine_matches_reference(rng, restore_simd, n, d, m, dtype, activation):
    x = rng.standard_normal((n, d)).astype(dtype)
    w = (rng.standard_normal((d, m)) / np.sqrt(d)).astype(dtype)
    b = rng.standard_normal(m).astype(dtype)
    for isa in simd_sets():
        use_simd(isa)
        for bias in (b, None):
            res = ops.affine(x, w, bias, activation, slope=0.1)
            expected = ref.affine(x.astype(np.float64), w.astype(np.float64),
                                  None if bias is None else bias.astype(np.float64),
                                  activation, slope=0.1)
            assert res.dtype == dtype and res.shape == (n, m)
            # activations are 1-Lipschitz: the product's error bound carries over
            scale = np.abs(x.astype(np.float64)) @ np.abs(w.astype(np.float64)) + 1.0
            assert np.all(np.abs(res - expected) <= 4 * tol(dtype) * scale)


@pytest.mark.parametrize("dtype", DTYPES)
def test_affine_out_and_layouts(rng, dtype):
    x = rng.standard_normal((50, 30)).astype(dtype)
    w = rng.standard_normal((30, 20)).astype(dtype)
    b = rng.standard_normal(20).astype(dtype)
    expected = ops.affine(x, w, b, "relu")
    out = np.empty((50, 20), dtype)
    assert ops.affine(x, w, b, "relu", out=out) is out
    np.testing.assert_array_equal(out, expected)
    # W stored as (fan_out, fan_in) and transposed: no copy, same bits
    np.testing.assert_array_equal(ops.affine(x, w.T.copy().T, b, "relu"), expected)
    np.testing.assert_array_equal(ops.affine(np.asfortranarray(x), w, b, "relu"), expected)
    np.testing.assert_array_equal(ops.affine(x, w, b[::1].copy(), "relu", out=out), expected)
    assert (expected >= 0).all()


def test_affine_nan_propagates(rng):
    x = rng.standard_normal((9, 5)).astype(np.float32)
    x[2, 3] = np.nan
    w = rng.standard_normal((5, 4)).astype(np.float32)
    res = ops.affine(x, w, np.zeros(4, np.float32), "relu")
    assert np.isnan(res[2]).all() and np.isfinite(np.delete(res, 2, axis=0)).all()


# --------------------------------------------------------------------------
# sum_rows
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m", ODD_SIZES)
@pytest.mark.parametrize("n", ODD_SIZES)
def test_sum_rows(rng, m, n, dtype):
    x = rng.standard_normal((m, n)).astype(dtype)
    res = ops.sum_rows(x)
    assert res.dtype == dtype and res.shape == (n,)
    np.testing.assert_allclose(res, ref.sum_rows(x.astype(np.float64)),
                               rtol=tol(dtype) * 10, atol=tol(dtype) * 10 * np.sqrt(m))


@pytest.mark.parametrize("dtype", DTYPES)
def test_sum_rows_layouts_out_threads(rng, threads, dtype):
    x = rng.standard_normal((1000, 1500)).astype(dtype)
    fastinit.set_num_threads(1)
    one = ops.sum_rows(x)
    fastinit.set_num_threads(2)
    np.testing.assert_array_equal(ops.sum_rows(x), one)
    out = np.empty(1500, dtype)
    assert ops.sum_rows(np.asfortranarray(x), out=out) is out
    np.testing.assert_array_equal(out, one)
    np.testing.assert_allclose(ops.sum_rows(x[::2, ::3]), x[::2, ::3].sum(axis=0),
                               rtol=tol(dtype) * 10, atol=tol(dtype) * 100)
    assert ops.sum_rows(np.empty((0, 4), dtype)).tolist() == [0, 0, 0, 0]


# --------------------------------------------------------------------------
# errors: a clear exception, never a crash
# --------------------------------------------------------------------------

def test_matmul_errors():
    f32 = np.ones((3, 4), np.float32)
    with pytest.raises(TypeError, match="int64"):
        ops.matmul(np.ones((3, 4), np.int64), np.ones((4, 2)))
    with pytest.raises(TypeError, match="complex128"):
        ops.matmul(np.ones((3, 4)), np.ones((4, 2), complex))
    with pytest.raises(TypeError, match="float32.*float64|mixing"):
        ops.matmul(f32, np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"\(3, 4\).*\(5, 2\)"):
        ops.matmul(f32, np.ones((5, 2), np.float32))
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(5, 2\)"):
        ops.matmul(f32, np.ones((5, 2), np.float32), trans_a=True)
    with pytest.raises(ValueError, match="2-D"):
        ops.matmul(np.ones(4, np.float32), f32)
    with pytest.raises(ValueError, match="out="):
        ops.matmul(f32, f32.T, beta=1.0)
    with pytest.raises(TypeError, match="alpha"):
        ops.matmul(f32, f32.T, alpha="2")
    with pytest.raises(TypeError, match="beta"):
        ops.matmul(f32, f32.T, beta=None)


@pytest.mark.parametrize("bad", [
    np.empty((3, 4), np.float32),              # wrong shape
    np.empty((3, 3), np.float64),              # wrong dtype
    np.empty((3, 6), np.float32)[:, ::2],      # not contiguous
    np.empty((3, 3), np.float32, order="F"),   # F-ordered
])
def test_matmul_bad_out(bad):
    f32 = np.ones((3, 4), np.float32)
    with pytest.raises(ValueError):
        ops.matmul(f32, f32.T, out=bad)


def test_matmul_read_only_out():
    f32 = np.ones((3, 4), np.float32)
    out = np.empty((3, 3), np.float32)
    out.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        ops.matmul(f32, f32.T, out=out)
    with pytest.raises(TypeError):
        ops.matmul(f32, f32.T, out=[[0.0] * 3] * 3)


def test_affine_errors():
    x = np.ones((3, 4), np.float32)
    w = np.ones((4, 2), np.float32)
    with pytest.raises(ValueError, match="unknown activation"):
        ops.affine(x, w, None, "softplus")
    with pytest.raises(ValueError, match=r"\(3, 4\).*\(5, 2\)"):
        ops.affine(x, np.ones((5, 2), np.float32), None)
    with pytest.raises(ValueError, match=r"\(3,\)"):
        ops.affine(x, w, np.ones(3, np.float32))
    with pytest.raises(TypeError, match="float64"):
        ops.affine(x, w, np.ones(2))
    with pytest.raises(TypeError, match="int32"):
        ops.affine(x, np.ones((4, 2), np.int32), None)
    with pytest.raises(ValueError):
        ops.affine(x, w, np.ones(2, np.float32), out=np.empty((3, 2), np.float64))
    with pytest.raises(TypeError, match="slope"):
        ops.affine(x, w, None, "leaky_relu", slope="x")


def test_sum_rows_errors():
    with pytest.raises(ValueError, match="2-D"):
        ops.sum_rows(np.ones(3))
    with pytest.raises(TypeError, match="bool"):
        ops.sum_rows(np.ones((2, 2), bool))
    with pytest.raises(ValueError):
        ops.sum_rows(np.ones((2, 3)), out=np.empty(2))


def test_huge_product_is_interruptible(monkeypatch, interactive_sigint):
    """Ctrl-C (SIGINT) stops a long product between blocks of C."""
    import os
    import signal
    import threading

    monkeypatch.setattr(_core, "chunk_work", 1 << 26)
    monkeypatch.setattr(_core, "chunk_min_side", 256)
    a = np.ones((4096, 1024), np.float32)
    b = np.ones((1024, 4096), np.float32)
    timer = threading.Timer(0.01, os.kill, (os.getpid(), signal.SIGINT))
    finished = False
    timer.start()
    try:
        ops.matmul(a, b)  # ~17 GFMA: well over a second on two cores
        finished = True
        timer.join()
    except KeyboardInterrupt:
        pass
    finally:
        timer.cancel()
    assert not finished


def test_avx512_microkernels_emulated(tmp_path):
    """Builds csrc/gemm/gemm_kernels_avx512.c against tests/gemm_avx512_emu/
    immintrin.h (plain-C intrinsics, FMA via fmaf/fma) and checks every
    AVX-512 micro-kernel (full/half width, packed/strided A, beta 0 or not)
    bit for bit against the rounding contract of csrc/gemm/gemm_isa.h, so
    the AVX-512 path is checked on machines without AVX-512 too."""
    import subprocess

    csrc, tests, cc = source_toolchain("csrc/gemm/gemm_kernels_avx512.c",
                                       "tests/gemm_avx512_emu/check.c")
    emu = tests / "gemm_avx512_emu"
    obj = tmp_path / "kernels.o"
    exe = tmp_path / "check"
    subprocess.run([cc, "-std=gnu11", "-O1", f"-I{csrc}", f"-I{emu}", "-D__AVX512F__", "-c",
                    str(csrc / "gemm" / "gemm_kernels_avx512.c"), "-o", str(obj)],
                   check=True, capture_output=True)
    subprocess.run([cc, "-std=gnu11", "-O1", "-ffp-contract=off", f"-I{csrc}",
                    str(emu / "check.c"), str(obj), "-lm", "-o", str(exe)],
                   check=True, capture_output=True)
    res = subprocess.run([str(exe)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "== scalar contract" in res.stdout
