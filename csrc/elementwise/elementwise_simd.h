/* elementwise_simd.h (internal): the vector kernels of elementwise_isa.h,
 * written once over a small set of vector macros and instantiated by
 * elementwise_avx2.c and elementwise_avx512.c for float and double.
 *
 * No include guard: included once per (ISA, type).  The includer defines
 *   T, VT, VW            scalar type, vector type, lanes
 *   FI_SFX, FI_ISA       name parts (f32/f64, avx2/avx512)
 *   V_LOAD(p) V_STORE(p, v)            unaligned full vectors
 *   V_STREAM(p, v)                     aligned non-temporal store
 *   V_LOADT(p, k, fill) V_STORET(p, k, v)   first k lanes, others = fill
 *   V_KEEPT(v, k)                      first k lanes of v, others = 0
 *   V_SET1 V_ADD V_SUB V_MUL V_MAX
 *   V_GT0_SEL(x, t, f)  x > 0 ? t : f  (NaN -> f)
 *   V_RELU(x)           0 > x ? 0 : x, NaN -> x: np.maximum(0, x) exactly,
 *                       and the x86 max instruction with 0 first
 *   V_EXP V_SIGMOID V_TANH
 *   FI_BAD_DECL FI_BAD_ADD(v) FI_BAD_ANY    "some lane was NaN" tracking
 *   FI_ACC_DECL FI_ACC_ADD(v) FI_ACC_SUM    double accumulation of a row
 *   V_HMAX(v)           horizontal max (no NaN lanes) as T
 * All of them are undefined at the end, ready for the next instantiation. */

#define FI_CAT3_(a, b, c) a##_##b##_##c
#define FI_CAT3(a, b, c) FI_CAT3_(a, b, c)
#define FN(name) FI_CAT3(name, FI_SFX, FI_ISA)

/* y = F(x (+ b)) over n elements; the tail is one masked vector so each
 * element sees the same operations wherever a thread's range starts. */
#define FI_PUT(p, v)                                                                           \
    do {                                                                                       \
        if (stream)                                                                            \
            V_STREAM(p, v);                                                                    \
        else                                                                                   \
            V_STORE(p, v);                                                                     \
    } while (0)
#define FI_ROW_LOOP(F)                                                                         \
    do {                                                                                       \
        fi_index j = 0;                                                                        \
        if (b) {                                                                               \
            for (; j + VW <= n; j += VW)                                                       \
                V_STORE(y + j, F(V_ADD(V_LOAD(x + j), V_LOAD(b + j))));                        \
            if (j < n)                                                                         \
                V_STORET(y + j, n - j,                                                         \
                         F(V_ADD(V_LOADT(x + j, n - j, zero), V_LOADT(b + j, n - j, zero))));  \
        } else {                                                                               \
            for (; j + VW <= n; j += VW) FI_PUT(y + j, F(V_LOAD(x + j)));                      \
            if (j < n) V_STORET(y + j, n - j, F(V_LOADT(x + j, n - j, zero)));                 \
        }                                                                                      \
    } while (0)

#define FI_BWD_LOOP(F)                                                                         \
    do {                                                                                       \
        fi_index j = 0;                                                                        \
        for (; j + VW <= n; j += VW) FI_PUT(dx + j, F(V_LOAD(dout + j), V_LOAD(s + j)));       \
        if (j < n)                                                                             \
            V_STORET(dx + j, n - j,                                                            \
                     F(V_LOADT(dout + j, n - j, zero), V_LOADT(s + j, n - j, zero)));           \
    } while (0)

#define FI_F_IDENT(v) (v)
#define FI_F_LEAKY(v) V_GT0_SEL(v, v, V_MUL(vslope, v))
/* backward: the reference's literal products, left to right, no FMA */
#define FI_B_SIGMOID(d, y) V_MUL(V_MUL(d, y), V_SUB(one, y))
#define FI_B_TANH(d, y) V_MUL(d, V_SUB(one, V_MUL(y, y)))
#define FI_B_RELU(d, x) V_GT0_SEL(x, d, zero)
#define FI_B_LEAKY(d, x) V_MUL(d, V_GT0_SEL(x, one, vslope))
#define FI_B_IDENT(d, x) (d)

/* stream != 0: y is vector-aligned; full vectors are stored non-temporally */
/* defines fi_ew_row_f32_avx2, fi_ew_row_f64_avx2, fi_ew_row_f32_avx512, fi_ew_row_f64_avx512 */
static void FN(fi_ew_row)(int act, T slope, fi_index n, const T *x, const T *b, T *y,
                          int stream) {
    const VT vslope = V_SET1(slope), zero = V_SET1(0);
    (void)vslope;
    switch (act) {
    case FI_ACT_SIGMOID: FI_ROW_LOOP(V_SIGMOID); break;
    case FI_ACT_TANH: FI_ROW_LOOP(V_TANH); break;
    case FI_ACT_RELU: FI_ROW_LOOP(V_RELU); break;
    case FI_ACT_LEAKY_RELU: FI_ROW_LOOP(FI_F_LEAKY); break;
    default:
        if (b || x != y) FI_ROW_LOOP(FI_F_IDENT);
    }
}

/* How many elements precede the first vector-aligned one at p, or -1 to
 * not stream at all (output too small, or p not even T-aligned).  A large
 * output does not stay in cache anyway, and non-temporal stores skip the
 * read-for-ownership: a third of the memory traffic. */
/* defines fi_stream_head_f32_avx2, fi_stream_head_f64_avx2,
 * fi_stream_head_f32_avx512, fi_stream_head_f64_avx512 */
static fi_index FN(fi_stream_head)(fi_index n, const T *p) {
    if (n * (fi_index)sizeof(T) < FI_STREAM_MIN_BYTES || (uintptr_t)p % sizeof(T)) return -1;
    return (fi_index)((sizeof(VT) - (uintptr_t)p % sizeof(VT)) % sizeof(VT) / sizeof(T));
}

/* defines fi_ew_rows_f32_avx2, fi_ew_rows_f64_avx2, fi_ew_rows_f32_avx512, fi_ew_rows_f64_avx512 */
void FN(fi_ew_rows)(int act, T slope, fi_index m, fi_index n, const T *x, fi_index ldx,
                    const T *bias, T *y, fi_index ldy) {
    fi_index head = (m == 1 && !bias) ? FN(fi_stream_head)(n, y) : -1;
    if (head >= 0) {
        FN(fi_ew_row)(act, slope, head, x, NULL, y, 0);
        FN(fi_ew_row)(act, slope, n - head, x + head, NULL, y + head, 1);
        _mm_sfence();
        return;
    }
    for (fi_index i = 0; i < m; i++)
        FN(fi_ew_row)(act, slope, n, x + i * ldx, bias, y + i * ldy, 0);
}

/* defines fi_ew_bwd_f32_avx2, fi_ew_bwd_f64_avx2, fi_ew_bwd_f32_avx512, fi_ew_bwd_f64_avx512 */
static void FN(fi_ew_bwd)(int act, T slope, fi_index n, const T *dout, const T *s, T *dx,
                          int stream) {
    const VT vslope = V_SET1(slope), one = V_SET1(1), zero = V_SET1(0);
    (void)vslope;
    (void)one;
    switch (act) {
    case FI_ACT_SIGMOID: FI_BWD_LOOP(FI_B_SIGMOID); break;
    case FI_ACT_TANH: FI_BWD_LOOP(FI_B_TANH); break;
    case FI_ACT_RELU: FI_BWD_LOOP(FI_B_RELU); break;
    case FI_ACT_LEAKY_RELU: FI_BWD_LOOP(FI_B_LEAKY); break;
    default:
        if (dx != dout) FI_BWD_LOOP(FI_B_IDENT);
    }
}

/* defines fi_ew_backward_f32_avx2, fi_ew_backward_f64_avx2,
 * fi_ew_backward_f32_avx512, fi_ew_backward_f64_avx512 */
void FN(fi_ew_backward)(int act, T slope, fi_index n, const T *dout, const T *s, T *dx) {
    fi_index head = FN(fi_stream_head)(n, dx);
    if (head >= 0) {
        FN(fi_ew_bwd)(act, slope, head, dout, s, dx, 0);
        FN(fi_ew_bwd)(act, slope, n - head, dout + head, s + head, dx + head, 1);
        _mm_sfence();
        return;
    }
    FN(fi_ew_bwd)(act, slope, n, dout, s, dx, 0);
}

/* defines fi_softmax_row_f32_avx2, fi_softmax_row_f64_avx2,
 * fi_softmax_row_f32_avx512, fi_softmax_row_f64_avx512 */
double FN(fi_softmax_row)(fi_index n, const T *x, T *y) {
    const VT ninf = V_SET1(-INFINITY);
    VT vmax = ninf;
    FI_BAD_DECL;
    fi_index j = 0;
    for (; j + VW <= n; j += VW) {
        VT v = V_LOAD(x + j);
        vmax = V_MAX(vmax, v);
        FI_BAD_ADD(v);
    }
    if (j < n) {
        VT v = V_LOADT(x + j, n - j, ninf);
        vmax = V_MAX(vmax, v);
        FI_BAD_ADD(v);
    }
    /* NaN anywhere makes the whole row NaN, as x - max(x) does in NumPy */
    T mx = FI_BAD_ANY ? (T)NAN : V_HMAX(vmax);
    const VT vmx = V_SET1(mx);
    FI_ACC_DECL;
    for (j = 0; j + VW <= n; j += VW) {
        VT e = V_EXP(V_SUB(V_LOAD(x + j), vmx));
        V_STORE(y + j, e);
        FI_ACC_ADD(e);
    }
    if (j < n) { /* fill with the max, not -inf: exp(-inf) would compute
                  * denormals, which cost a microcode assist per instruction */
        VT e = V_EXP(V_SUB(V_LOADT(x + j, n - j, vmx), vmx));
        V_STORET(y + j, n - j, e);
        e = V_KEEPT(e, n - j);
        FI_ACC_ADD(e);
    }
    double s = FI_ACC_SUM;
    const VT inv = V_SET1((T)(1.0 / s));
    for (j = 0; j + VW <= n; j += VW) V_STORE(y + j, V_MUL(V_LOAD(y + j), inv));
    if (j < n) V_STORET(y + j, n - j, V_MUL(V_LOADT(y + j, n - j, V_SET1(0)), inv));
    return (double)mx + log(s);
}

#undef FN
#undef FI_CAT3
#undef FI_CAT3_
#undef FI_ROW_LOOP
#undef FI_PUT
#undef FI_BWD_LOOP
#undef FI_F_IDENT
#undef FI_F_LEAKY
#undef FI_B_SIGMOID
#undef FI_B_TANH
#undef FI_B_RELU
#undef FI_B_LEAKY
#undef FI_B_IDENT
/* the includer's macros */
#undef T
#undef VT
#undef VW
#undef FI_SFX
#undef FI_ISA
#undef V_LOAD
#undef V_STORE
#undef V_STREAM
#undef V_LOADT
#undef V_STORET
#undef V_KEEPT
#undef V_SET1
#undef V_ADD
#undef V_SUB
#undef V_MUL
#undef V_MAX
#undef V_GT0_SEL
#undef V_RELU
#undef V_EXP
#undef V_SIGMOID
#undef V_TANH
#undef FI_BAD_DECL
#undef FI_BAD_ADD
#undef FI_BAD_ANY
#undef FI_ACC_DECL
#undef FI_ACC_ADD
#undef FI_ACC_SUM
#undef V_HMAX
