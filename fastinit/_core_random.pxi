# Included by _core.pyx: Cython bridge to csrc/random/distributions.h (validated
# inputs only).
#
# ``state`` is the generator tuple (key0, key1, stream, start) built by
# fastinit.random.Generator.  Large fills are split into pieces of RANDOM_CHUNK
# elements with a signal check between them (Ctrl-C stays responsive); each
# element is a pure function of its index, so the pieces give the same bits as
# one call.


# 8M elements: ~15 ms of normal draws on one core (~70 ms of truncated
# float64 ones), short enough for Ctrl-C; few pieces, because each is one
# pool run that ends by waiting for every part in flight.
cdef Py_ssize_t RANDOM_CHUNK = 1 << 23


cdef inline fi_rng make_rng(tuple state):
    cdef fi_rng g
    g.key[0] = <uint32_t>state[0]
    g.key[1] = <uint32_t>state[1]
    g.stream = <uint64_t>state[2]
    g.start = <uint64_t>state[3]
    return g


cdef void fill_piece(int kind, const fi_rng *g, uint64_t offset, Py_ssize_t n, floating *out,
                     double p0, double p1, double p2, double p3) noexcept nogil:
    if floating is float:
        if kind == FI_DIST_UNIFORM:
            fi_uniform_f32(g, offset, n, <float>p0, <float>p1, out)
        elif kind == FI_DIST_NORMAL:
            fi_normal_f32(g, offset, n, <float>p0, <float>p1, out)
        else:
            fi_truncated_normal_f32(g, offset, n, p0, p1, p2, p3, out)
    else:
        if kind == FI_DIST_UNIFORM:
            fi_uniform_f64(g, offset, n, p0, p1, out)
        elif kind == FI_DIST_NORMAL:
            fi_normal_f64(g, offset, n, p0, p1, out)
        else:
            fi_truncated_normal_f64(g, offset, n, p0, p1, p2, p3, out)


def fill(int kind, tuple state, uint64_t offset, floating[::1] out, double p0, double p1,
         double p2=0.0, double p3=0.0):
    """Fill ``out`` with elements [offset, offset + len(out)) of distribution
    ``kind`` (fi_dist_kind: FI_DIST_UNIFORM(low=p0, high=p1),
    FI_DIST_NORMAL(mean=p0, std=p1), FI_DIST_TRUNCATED_NORMAL(mean=p0, std=p1, a=p2, b=p3))."""
    cdef fi_rng g = make_rng(state)
    cdef Py_ssize_t n = out.shape[0], i = 0, m
    while i < n:
        m = min(RANDOM_CHUNK, n - i)
        with nogil:
            fill_piece(kind, &g, offset + <uint64_t>i, m, &out[i], p0, p1, p2, p3)
        i += m
        if i < n:
            PyErr_CheckSignals()


def fill_h16(int kind, tuple state, uint64_t offset, uint16_t[::1] out, int fmt, double p0,
             double p1, double p2=0.0, double p3=0.0):
    """``fill`` for a 16-bit format (fi_out_fmt FI_OUT_F16 or FI_OUT_BF16):
    ``out`` holds the format's raw 16-bit values, element i the float32
    fill's element i rounded to nearest even."""
    if fmt != FI_OUT_F16 and fmt != FI_OUT_BF16:
        raise ValueError(f"fmt must be FI_OUT_F16 or FI_OUT_BF16, got {fmt}")
    cdef fi_rng g = make_rng(state)
    cdef Py_ssize_t n = out.shape[0], i = 0, m
    while i < n:
        m = min(RANDOM_CHUNK, n - i)
        with nogil:
            if kind == FI_DIST_UNIFORM:
                fi_uniform_h16(&g, offset + <uint64_t>i, m, <float>p0, <float>p1, fmt, &out[i])
            elif kind == FI_DIST_NORMAL:
                fi_normal_h16(&g, offset + <uint64_t>i, m, <float>p0, <float>p1, fmt, &out[i])
            else:
                fi_truncated_normal_h16(&g, offset + <uint64_t>i, m, p0, p1, p2, p3, fmt,
                                        &out[i])
        i += m
        if i < n:
            PyErr_CheckSignals()


def bf16_store():
    """How the active kernel set rounds to bfloat16: "vcvtneps2bf16" or
    "integer" (same bits either way)."""
    return fi_bf16_store_name().decode()


def round_f32_h16(const float[::1] x, int fmt, uint16_t[::1] out):
    """``x`` rounded to the 16-bit format ``fmt`` by the stores of the active
    kernel set (for tests: the rounding the 16-bit fills apply)."""
    if fmt != FI_OUT_F16 and fmt != FI_OUT_BF16:
        raise ValueError(f"fmt must be FI_OUT_F16 or FI_OUT_BF16, got {fmt}")
    if out.shape[0] != x.shape[0]:
        raise ValueError(f"out has {out.shape[0]} elements, x has {x.shape[0]}")
    with nogil:
        fi_round_f32_h16(x.shape[0], &x[0] if x.shape[0] else NULL, fmt,
                         &out[0] if out.shape[0] else NULL)


def integers(tuple state, uint64_t offset, int64_t[::1] out, int64_t low, uint64_t range_):
    cdef fi_rng g = make_rng(state)
    cdef Py_ssize_t n = out.shape[0], i = 0, m
    while i < n:
        m = min(RANDOM_CHUNK, n - i)
        with nogil:
            fi_integers_i64(&g, offset + <uint64_t>i, m, low, range_, &out[i])
        i += m
        if i < n:
            PyErr_CheckSignals()


def philox_words(tuple state, uint64_t block, uint32_t[::1] out):
    """Raw words of blocks [block, block + len(out) // 4) (absolute indices)."""
    cdef fi_rng g = make_rng(state)
    cdef Py_ssize_t nblocks = out.shape[0] // 4
    if nblocks == 0:
        return
    with nogil:
        fi_philox_words(&g, block, nblocks, &out[0])


def ndtri(double p):
    return fi_ndtri(p)


def normal_cdf(double x):
    """Phi(x), the standard normal CDF the truncated normal takes its
    bounds' probabilities from: the same bits on every platform."""
    return fi_normal_cdf(x)
