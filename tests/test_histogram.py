"""fastinit.ops.histogram against its NumPy twin, np.histogram: counts and
edges on odd sizes, both dtypes, any layout, and clear errors."""
import numpy as np
import pytest

from conftest import DTYPES, ODD_SIZES
from fastinit import ops


@pytest.mark.parametrize("size", ODD_SIZES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("hist_range", [None, (0.0, 1.0), (-0.1, 1.0)])
def test_histogram_is_np_histogram(size, dtype, hist_range, rng):
    x = (rng.standard_normal(size) * 0.7 + 0.3).astype(dtype)
    if hist_range is not None:  # NaN and infinities are outside any range
        x[::5] = np.array([np.nan, np.inf, -np.inf, 0.0, 1.0], dtype)[np.arange(x[::5].size) % 5]
    counts, edges = ops.histogram(x, 30, hist_range)
    expected, expected_edges = np.histogram(x, 30, hist_range)
    np.testing.assert_array_equal(counts, expected)
    assert counts.dtype == np.int64
    assert edges.dtype == expected_edges.dtype == dtype
    np.testing.assert_array_equal(edges, expected_edges)


@pytest.mark.parametrize("dtype", DTYPES)
def test_histogram_non_contiguous_input(dtype, rng):
    z = rng.standard_normal((64, 45)).astype(dtype)
    for view in (z[:, ::3], z[::2], z.T, z[1:, 1:], z[::-1]):
        counts, edges = ops.histogram(view, 17, (-2.0, 2.0))
        expected, expected_edges = np.histogram(view, 17, (-2.0, 2.0))
        np.testing.assert_array_equal(counts, expected)
        np.testing.assert_array_equal(edges, expected_edges)


def test_histogram_constant_and_empty_input():
    for x in (np.full(9, 3.0), np.zeros(0, np.float32)):
        counts, edges = ops.histogram(x, 4)
        expected, expected_edges = np.histogram(x, 4)
        np.testing.assert_array_equal(counts, expected)
        np.testing.assert_array_equal(edges, expected_edges)


def test_histogram_slots_hold_what_the_bins_leave_out():
    x = np.array([-1.0, 0.0, 0.0, 0.25, 0.75, 2.0, np.nan], np.float32)
    slots, (zeros, low_tail, high_tail, _, _) = ops.histogram_slots(
        x, 2, (0.0, 1.0), skip_zeros=True, cuts=(0.1, 0.9))
    # below, [0, 0.5), [0.5, 1], above, skipped zeros, NaN
    np.testing.assert_array_equal(slots, [1, 1, 1, 1, 2, 1])
    assert (zeros, low_tail, high_tail) == (2, 3, 1)


def test_histogram_bad_input_is_a_clear_error():
    x = np.linspace(0, 1, 10)
    with pytest.raises(TypeError, match="dtype float32 or float64"):
        ops.histogram(np.arange(10, dtype=np.int32), 3)
    with pytest.raises(ValueError, match="bins"):
        ops.histogram(x, 0)
    with pytest.raises(TypeError, match="bins"):
        ops.histogram(x, 2.5)
    with pytest.raises(TypeError, match="range"):
        ops.histogram(x, 3, 1.0)
    with pytest.raises(ValueError, match="max must be larger than min"):
        ops.histogram(x, 3, (1.0, 0.0))
    with pytest.raises(ValueError, match="not finite"):
        ops.histogram(x, 3, (0.0, np.inf))
    with pytest.raises(ValueError, match="not finite"):
        ops.histogram(np.array([0.0, np.nan]), 3)  # range from the data
