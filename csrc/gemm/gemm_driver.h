/* gemm_driver.h: the blocked GEMM driver, instantiated for float and double
 * by gemm.c (#define T, SFX, then #include).  Not a public header.
 *
 * BLIS loop order: jc (nc columns of B/C) > pc (kc of K) > ic (mc rows of
 * A/C) > jr (nr-wide slivers) > ir (mr-tall tiles) > micro-kernel.  The
 * kc x nc panel of B is packed once per (jc, pc) by one pool run (core/pool.h),
 * then the block's tiles of C are computed by a second one, whose parts are
 * ranges of rows (equal counts when the kernel set has short-tile kernels,
 * else whole mr-row tiles) or of nr-column slivers when C is short and
 * wide.  No two parts write the same element and no part splits K: every
 * element is computed by the same operations whatever the thread count and
 * whichever thread runs a part.  Two runs instead of a barrier: one thread
 * may run every part.
 *
 * Interruptible calls (fi_gemm_resumable_*) also cut each (jc, pc) block
 * into bands of rows, one pool run each, and the caller polls for Ctrl-C
 * between bands.  Bands only regroup tiles, so they change no value. */

#define FI_CAT_(a, b) a##b
#define FI_CAT(a, b) FI_CAT_(a, b)
#define FI_F(name) FI_CAT(name, SFX)
#define FI_KT FI_CAT(fi_gemm_kernels_, SFX)

typedef struct {
    const FI_KT *kt;
    int ta, tb, strided_a, strided_b, split_m;
    fi_index m, n, k, kc;
    T alpha, beta;
    const T *a, *b;
    fi_index lda, ldb, ldc;
    T *c;
    const fi_epilogue *ep;
    T *bufb;          /* kc x nc panel of B, shared by the team */
    T *bufa;          /* one block of packed A per thread */
    fi_index a_stride; /* elements per thread in bufa */
    fi_index e_off;   /* strided_b: a thread's packed partial sliver of B, at
                       * bufa + tid * a_stride + e_off */
    fi_index band;    /* rows per band: m, or a multiple of mc per thread when polling */
    fi_index first;   /* bands finished by earlier calls: skipped */
    /* the block the next pool run works on (set by the caller between runs) */
    fi_index jc, nc, pc, kcb, r0, r1;
    fi_index parts;   /* parts of that run */
} FI_F(fi_gemm_ctx_); /* defines fi_gemm_ctx_f32, fi_gemm_ctx_f64 */

/* dst[p * R + r] = src[r * rs + p * cs] for r < valid, 0 for valid <= r < R:
 * one micro-panel (mr rows of A or nr columns of B), zero-padded so that
 * edge tiles run the full-size kernel. */
/* defines fi_gemm_pack_f32, fi_gemm_pack_f64 */
FI_INLINE void FI_F(fi_gemm_pack_)(const T *src, fi_index rs, fi_index cs, int valid, int R,
                                    fi_index len, T *FI_RESTRICT dst) {
    if (rs == 1 && valid == R) {
        for (fi_index p = 0; p < len; p++) {
            const T *s = src + p * cs;
            T *d = dst + p * R;
            for (int r = 0; r < R; r++)
                d[r] = s[r];
        }
        return;
    }
    if (valid < R) /* the padding first, in one contiguous sweep */
        memset(dst, 0, (size_t)len * (size_t)R * sizeof(T));
    if (cs == 1) {
        for (int r = 0; r < valid; r++) {
            const T *s = src + r * rs;
            for (fi_index p = 0; p < len; p++)
                dst[p * R + r] = s[p];
        }
    } else {
        for (fi_index p = 0; p < len; p++)
            for (int r = 0; r < valid; r++)
                dst[p * R + r] = src[r * rs + p * cs];
    }
}

/* Constant R lets the compiler unroll and vectorize the copies (and not
 * call memmove for each short row: see fi_gemm_merge_tile_). */
FI_NO_LIBC_LOOPS
/* defines fi_gemm_pack_panel_f32, fi_gemm_pack_panel_f64 */
static void FI_F(fi_gemm_pack_panel_)(const T *src, fi_index rs, fi_index cs, int valid, int R,
                                       fi_index len, T *FI_RESTRICT dst) {
    switch (R) {
    case 4: FI_F(fi_gemm_pack_)(src, rs, cs, valid, 4, len, dst); break;
    case 6: FI_F(fi_gemm_pack_)(src, rs, cs, valid, 6, len, dst); break;
    case 8: FI_F(fi_gemm_pack_)(src, rs, cs, valid, 8, len, dst); break;
    case 12: FI_F(fi_gemm_pack_)(src, rs, cs, valid, 12, len, dst); break;
    case 16: FI_F(fi_gemm_pack_)(src, rs, cs, valid, 16, len, dst); break;
    case 32: FI_F(fi_gemm_pack_)(src, rs, cs, valid, 32, len, dst); break;
    default: FI_F(fi_gemm_pack_)(src, rs, cs, valid, R, len, dst); break;
    }
}

/* One zero-padded micro-panel, with the kernel set's transposing packer
 * when it has one and the panel is full. */
/* defines fi_gemm_pack_with_f32, fi_gemm_pack_with_f64 */
static void FI_F(fi_gemm_pack_with_)(const FI_KT *kt, const T *src, fi_index rs, fi_index cs,
                                      int valid, int R, fi_index len, T *FI_RESTRICT dst) {
    if (cs == 1 && valid == R && kt->pack_t)
        kt->pack_t(src, rs, R, len, dst);
    else
        FI_F(fi_gemm_pack_panel_)(src, rs, cs, valid, R, len, dst);
}

/* C[:mr, :nr] = t + beta * C, or t when beta == 0: the tail of an edge tile
 * the kernel computed into a buffer, rounded exactly as the kernel would. */
FI_NO_LIBC_LOOPS
/* defines fi_gemm_merge_tile_f32, fi_gemm_merge_tile_f64 */
static void FI_F(fi_gemm_merge_tile_)(fi_index mr, fi_index nr, const T *t, int ldt, T *c,
                                       fi_index ldc, T beta) {
    for (fi_index i = 0; i < mr; i++) {
        const T *ti = t + i * ldt;
        T *ci = c + i * ldc;
        if (beta == (T)0)
            for (fi_index j = 0; j < nr; j++)
                ci[j] = ti[j];
        else
            for (fi_index j = 0; j < nr; j++)
                ci[j] = ti[j] + beta * ci[j];
    }
}

/* Element (i, p) of op(A) and (p, j) of op(B) as (address, row step, column step). */
#define FI_A_AT(x, i, p) ((x)->ta ? (x)->a + (p) * (x)->lda + (i) : (x)->a + (i) * (x)->lda + (p))
#define FI_A_RS(x) ((x)->ta ? 1 : (x)->lda)
#define FI_A_CS(x) ((x)->ta ? (x)->lda : 1)
#define FI_B_AT(x, p, j) ((x)->tb ? (x)->b + (j) * (x)->ldb + (p) : (x)->b + (p) * (x)->ldb + (j))
#define FI_B_RS(x) ((x)->tb ? (x)->ldb : 1)   /* step between columns j */
#define FI_B_CS(x) ((x)->tb ? 1 : (x)->ldb)   /* step along p */

/* The tiles of C in rows [i0, i1) and slivers [s0, s1) of the (jc, pc)
 * block the context names, with the packed A (and partial B sliver) in
 * slot's own buffer.  Whatever the part, a tile of C is computed by the
 * same operations, so the split changes no value. */
/* defines fi_gemm_tiles_f32, fi_gemm_tiles_f64 */
static void FI_F(fi_gemm_tiles_)(const FI_F(fi_gemm_ctx_) *x, int slot, fi_index i0, fi_index i1,
                                 fi_index s0, fi_index s1) {
    const FI_KT *kt = x->kt;
    const int MR = kt->mr, NR = kt->nr;
    const fi_index n = x->n, jc = x->jc, nc = x->nc, pc = x->pc, kcb = x->kcb;
    const fi_index nsl = (nc + NR - 1) / NR;
    T *bufa = x->bufa + (fi_index)slot * x->a_stride;
    FI_ALIGNED(64) T tile[FI_GEMM_MAX_TILE];
    const int has_ep = x->ep && (x->ep->bias || x->ep->act != FI_ACT_IDENTITY);
    const T *bias = has_ep ? (const T *)x->ep->bias : NULL;
    /* a last sliver of at most 4 columns (n = 100 leaves 4) runs narrow4:
     * four rows to a vector, the whole block of rows at once */
    const int last_narrow4 = kt->narrow4 && x->strided_a && nc - (nsl - 1) * NR <= 4;
    const T beta = pc == 0 ? x->beta : (T)1;
    const int last = pc + kcb >= x->k;

    /* Slivers of B read in place: only a partial last one is packed
     * (zero-padded), by each part that needs it, into its slot's buffer. */
    T *edge = NULL;
    int edge_w = NR; /* values per p in edge: narrow4 reads only 4 */
    if (x->strided_b) {
        fi_index j = jc + (nsl - 1) * NR, nr = n - j;
        if (s1 == nsl && nr != NR && nr != NR / 2) {
            edge = bufa + x->e_off;
            if (last_narrow4)
                edge_w = 4;
            FI_F(fi_gemm_pack_panel_)(FI_B_AT(x, pc, j), FI_B_RS(x), FI_B_CS(x), (int)nr, edge_w,
                                      kcb, edge);
        }
    }
    for (fi_index ic = i0; ic < i1; ic += kt->mc) {
        fi_index mc = i1 - ic < kt->mc ? i1 - ic : kt->mc;
        if (!x->strided_a)
            for (fi_index ir = 0; ir < mc; ir += MR) {
                int valid = (int)(mc - ir < MR ? mc - ir : MR);
                FI_F(fi_gemm_pack_with_)(kt, FI_A_AT(x, ic + ir, pc), FI_A_RS(x), FI_A_CS(x),
                                          valid, MR, kcb, bufa + ir * kcb);
            }
        for (fi_index s = s0; s < s1; s++) {
            fi_index j = jc + s * NR;
            fi_index nr = n - j < NR ? n - j : NR;
            /* a last sliver at most half full runs the half-width kernel */
            const int narrow = 2 * nr <= NR;
            const T *bs = x->bufb + s * NR * kcb;
            fi_index ldbs = NR;
            if (x->strided_b) {
                if (s == nsl - 1 && edge) {
                    bs = edge;
                    ldbs = edge_w;
                } else {
                    bs = FI_B_AT(x, pc, j);
                    ldbs = x->ldb;
                }
            }
            const fi_index width = narrow ? NR / 2 : NR;
            FI_CAT(fi_ukernel_, SFX) const *kern = narrow ? kt->half : kt->full;
            const int narrow4 = last_narrow4 && s == nsl - 1;
            if (narrow4)
                kt->narrow4(mc, kcb, FI_A_AT(x, ic, pc), x->lda, bs, ldbs, x->c + ic * x->ldc + j,
                            x->ldc, (int)nr, x->alpha, beta);
            for (fi_index ir = 0; ir < mc && !narrow4; ir += MR) {
                fi_index i = ic + ir;
                fi_index mr = mc - ir < MR ? mc - ir : MR;
                /* a short tile runs its own kernel when the set has one */
                FI_CAT(fi_ukernel_, SFX) part = mr < MR ? kt->part[mr][narrow] : NULL;
                const T *at = bufa + ir * kcb;
                fi_index rsa = 1, csa = MR;
                int strided = 0;
                if (x->strided_a) {
                    if (mr == MR || part) {
                        at = FI_A_AT(x, i, pc);
                        rsa = FI_A_RS(x);
                        csa = FI_A_CS(x);
                        strided = 1;
                    } else {
                        /* a short last tile: pack it, zero-padded */
                        at = bufa;
                        if (s == s0)
                            FI_F(fi_gemm_pack_panel_)(FI_A_AT(x, i, pc), FI_A_RS(x), FI_A_CS(x),
                                                      (int)mr, MR, kcb, bufa);
                    }
                }
                if (part) {
                    if (nr == width) {
                        part(kcb, at, rsa, csa, bs, ldbs, x->c + i * x->ldc + j, x->ldc, x->alpha,
                             beta);
                    } else {
                        part(kcb, at, rsa, csa, bs, ldbs, tile, NR, x->alpha, (T)0);
                        FI_F(fi_gemm_merge_tile_)(mr, nr, tile, NR, x->c + i * x->ldc + j, x->ldc,
                                                  beta);
                    }
                } else if (mr == MR && nr == width) {
                    kern[strided](kcb, at, rsa, csa, bs, ldbs, x->c + i * x->ldc + j, x->ldc,
                                  x->alpha, beta);
                } else {
                    kern[strided](kcb, at, rsa, csa, bs, ldbs, tile, NR, x->alpha, (T)0);
                    FI_F(fi_gemm_merge_tile_)(mr, nr, tile, NR, x->c + i * x->ldc + j, x->ldc,
                                              beta);
                }
            }
            /* The mc x nr strip is still in L1: finish it now. */
            if (last && has_ep)
                FI_F(fi_bias_act_)(x->ep->act, (T)x->ep->slope, mc, nr, bias ? bias + j : NULL,
                                   x->c + ic * x->ldc + j, x->ldc);
        }
    }
}

/* Pool part: a share of the slivers of this block's panel of B. */
/* defines fi_gemm_pack_b_part_f32, fi_gemm_pack_b_part_f64 */
static void FI_F(fi_gemm_pack_b_part_)(void *ctx, fi_index part, int slot) {
    const FI_F(fi_gemm_ctx_) *x = (const FI_F(fi_gemm_ctx_) *)ctx;
    const int NR = x->kt->nr;
    const fi_index nsl = (x->nc + NR - 1) / NR;
    (void)slot;
    for (fi_index s = fi_gemm_part(nsl, part, x->parts); s < fi_gemm_part(nsl, part + 1, x->parts);
         s++) {
        fi_index j = x->jc + s * NR;
        int valid = (int)(x->n - j < NR ? x->n - j : NR);
        FI_F(fi_gemm_pack_with_)(x->kt, FI_B_AT(x, x->pc, j), FI_B_RS(x), FI_B_CS(x), valid, NR,
                                  x->kcb, x->bufb + s * NR * x->kcb);
    }
}

/* Pool part: with split_m a block of rows of the band [r0, r1) (whole
 * tiles unless the kernel set has short-tile kernels), else a share of the
 * slivers for every row of it. */
/* defines fi_gemm_compute_part_f32, fi_gemm_compute_part_f64 */
static void FI_F(fi_gemm_compute_part_)(void *ctx, fi_index part, int slot) {
    const FI_F(fi_gemm_ctx_) *x = (const FI_F(fi_gemm_ctx_) *)ctx;
    const int MR = x->kt->mr, NR = x->kt->nr;
    const fi_index nsl = (x->nc + NR - 1) / NR;
    if (x->split_m) {
        const fi_index grain = x->kt->part[1][0] ? 1 : MR;
        const fi_index units = (x->r1 - x->r0 + grain - 1) / grain;
        fi_index i0 = x->r0 + fi_gemm_part(units, part, x->parts) * grain;
        fi_index i1 = x->r0 + fi_gemm_part(units, part + 1, x->parts) * grain;
        if (i1 > x->r1)
            i1 = x->r1;
        if (i1 > i0)
            FI_F(fi_gemm_tiles_)(x, slot, i0, i1, 0, nsl);
    } else {
        fi_index s0 = fi_gemm_part(nsl, part, x->parts), s1 = fi_gemm_part(nsl, part + 1, x->parts);
        if (s1 > s0)
            FI_F(fi_gemm_tiles_)(x, slot, x->r0, x->r1, s0, s1);
    }
}

/* Every (jc, pc) block in driver order: pack its panel of B (one pool run),
 * then its bands of rows (one pool run each); between bands of an
 * interruptible call the caller polls for Ctrl-C.  Returns the bands
 * finished when it stopped early, else -1. */
/* defines fi_gemm_blocks_f32, fi_gemm_blocks_f64 */
static fi_index FI_F(fi_gemm_blocks_)(FI_F(fi_gemm_ctx_) *x, int nt, int poll) {
    const FI_KT *kt = x->kt;
    const int MR = kt->mr, NR = kt->nr;
    const fi_index m = x->m, n = x->n, k = x->k;
    const fi_index bands = (m + x->band - 1) / x->band; /* per (jc, pc) block */
    fi_index band_no = 0;
    for (fi_index jc = 0; jc < n; jc += kt->nc) {
        x->jc = jc;
        x->nc = n - jc < kt->nc ? n - jc : kt->nc;
        const fi_index nsl = (x->nc + NR - 1) / NR;
        for (fi_index pc = 0; pc < k; pc += x->kc) {
            x->pc = pc;
            x->kcb = k - pc < x->kc ? k - pc : x->kc;
            if (band_no + bands <= x->first) { /* finished by an earlier call */
                band_no += bands;
                continue;
            }
            if (!x->strided_b) {
                x->parts = nt < nsl ? nt : nsl;
                fi_pool_run(nt, x->parts, FI_F(fi_gemm_pack_b_part_), x);
            }
            for (fi_index r0 = 0; r0 < m; r0 += x->band, band_no++) {
                if (band_no < x->first)
                    continue;
                x->r0 = r0;
                x->r1 = m - r0 < x->band ? m : r0 + x->band;
                if (x->split_m) {
                    const fi_index grain = kt->part[1][0] ? 1 : MR;
                    fi_index units = (x->r1 - r0 + grain - 1) / grain;
                    fi_index want = nt > 1 ? (fi_index)nt * FI_GEMM_PARTS_PER_THREAD : 1;
                    x->parts = units < want ? units : want;
                } else {
                    x->parts = nt < nsl ? nt : nsl;
                }
                fi_pool_run(nt, x->parts, FI_F(fi_gemm_compute_part_), x);
                if (x->pc + x->kcb >= k && jc + kt->nc >= n && x->r1 == m)
                    return -1; /* the end: nothing to poll */
                if (poll && fi_interrupt_pending())
                    return band_no + 1;
            }
        }
    }
    return -1;
}

/* C = beta * C (k == 0: no product), then the epilogue. */
/* defines fi_gemm_scale_only_f32, fi_gemm_scale_only_f64 */
static void FI_F(fi_gemm_scale_only_)(fi_index m, fi_index n, T beta, T *c, fi_index ldc,
                                       const fi_epilogue *ep) {
    for (fi_index i = 0; i < m; i++)
        for (fi_index j = 0; j < n; j++)
            c[i * ldc + j] = beta == (T)0 ? (T)0 : beta * c[i * ldc + j];
    if (ep && (ep->bias || ep->act != FI_ACT_IDENTITY))
        FI_F(fi_bias_act_)(ep->act, (T)ep->slope, m, n, (const T *)ep->bias, c, ldc);
}

/* Unblocked product, used only when the workspace cannot be allocated:
 * slow but correct, and it never fails. */
/* defines fi_gemm_unblocked_f32, fi_gemm_unblocked_f64 */
static void FI_F(fi_gemm_unblocked_)(const FI_F(fi_gemm_ctx_) *x) {
    for (fi_index i = 0; i < x->m; i++)
        for (fi_index j = 0; j < x->n; j++) {
            T acc = 0;
            for (fi_index p = 0; p < x->k; p++)
                acc += *FI_A_AT(x, i, p) * *FI_B_AT(x, p, j);
            T *cij = x->c + i * x->ldc + j;
            *cij = x->beta == (T)0 ? x->alpha * acc : x->alpha * acc + x->beta * *cij;
        }
    if (x->ep && (x->ep->bias || x->ep->act != FI_ACT_IDENTITY))
        FI_F(fi_bias_act_)(x->ep->act, (T)x->ep->slope, x->m, x->n, (const T *)x->ep->bias,
                           x->c, x->ldc);
}

/* fi_gemm_ex_, polling for Ctrl-C when r is not NULL (see gemm.h). */
/* defines fi_gemm_run_f32, fi_gemm_run_f64 */
static void FI_F(fi_gemm_run_)(int trans_a, int trans_b, fi_index m, fi_index n, fi_index k,
                               T alpha, const T *a, fi_index lda, const T *b, fi_index ldb,
                               T beta, T *c, fi_index ldc, const fi_epilogue *ep,
                               fi_gemm_resume *r) {
    if (r)
        r->stopped = 0;
    if (m <= 0 || n <= 0)
        return;
    if (k <= 0) {
        FI_F(fi_gemm_scale_only_)(m, n, beta, c, ldc, ep);
        return;
    }
    const int resuming = r && r->done > 0;
    FI_F(fi_gemm_ctx_) x;
    x.kt = FI_F(fi_gemm_select_)(resuming ? (fi_isa)r->isa : fi_active_isa());
    x.ta = trans_a != 0;
    x.tb = trans_b != 0;
    x.m = m, x.n = n, x.k = k;
    x.alpha = alpha, x.beta = beta;
    x.a = a, x.b = b, x.c = c;
    x.lda = lda, x.ldb = ldb, x.ldc = ldc;
    x.ep = ep;
    const int MR = x.kt->mr, NR = x.kt->nr;

    /* K blocks of equal size (a short last block wastes a C update). */
    fi_index nkb = (k + x.kt->kc - 1) / x.kt->kc;
    x.kc = (k + nkb - 1) / nkb;
    /* Small, narrow products read A in place: packing it would cost about
     * as much as the few slivers of B it is reused for. */
    x.strided_a = !x.ta && n <= FI_GEMM_STRIDED_A_MAX_N;
    /* Small products read B in place too: packing it costs as much as the
     * few tiles of A that reuse it, and without a shared panel the team
     * needs no barrier. */
    x.strided_b = !x.tb && m <= x.kt->strided_b_max_m && n <= FI_GEMM_STRIDED_B_MAX_N &&
                  (ldb * (fi_index)sizeof(T)) % FI_GEMM_STRIDED_B_BAD_STRIDE != 0;

    fi_index mt = (m + MR - 1) / MR;
    fi_index nsl = ((n < x.kt->nc ? n : x.kt->nc) + NR - 1) / NR;
    int nt = fi_threads_for((double)m * (double)n * (double)k, FI_GEMM_MIN_WORK_PER_THREAD);
    x.split_m = mt >= 4 * (fi_index)nt || mt >= nsl;
    fi_index units = x.split_m ? mt : nsl;
    if ((fi_index)nt > units)
        nt = (int)units;

    fi_index stopped_at = -1;
    x.band = m;
    x.first = 0;
    if (r) {
        if (!resuming) {
            r->isa = (int)fi_active_isa();
            r->band = m;
            if (x.split_m) {
                /* whole mc blocks per thread, enough of them to fill
                 * FI_GEMM_BAND_WORK: the caller polls after each band */
                fi_index step = x.kt->mc * nt, cols = n < x.kt->nc ? n : x.kt->nc;
                double rows = FI_GEMM_BAND_WORK / ((double)cols * (double)x.kc);
                fi_index steps = (fi_index)(rows / (double)step) + 1;
                if ((double)steps * (double)step < (double)m)
                    r->band = steps * step;
            }
        }
        x.band = r->band;
        x.first = r->done;
    }

    fi_index kcr = (x.kc + 15) & ~(fi_index)15;
    size_t bsz = x.strided_b ? 0 : (size_t)(nsl * NR) * (size_t)kcr;
    fi_index mrows = x.strided_a ? MR : (m < x.kt->mc ? (mt * MR) : x.kt->mc);
    x.e_off = (mrows * kcr + 15) & ~(fi_index)15;
    x.a_stride = x.e_off + (x.strided_b ? (fi_index)NR * kcr : 0);
    /* one packing buffer per pool slot (slots 0 .. nt-1) */
    T *ws = (T *)fi_gemm_workspace((bsz + (size_t)nt * (size_t)x.a_stride) * sizeof(T));
    if (!ws) {
        if (resuming)
            r->stopped = -1; /* C is partly updated: only the blocked path can finish it */
        else
            FI_F(fi_gemm_unblocked_)(&x);
        return;
    }
    x.bufb = ws;
    x.bufa = ws + bsz;
    stopped_at = FI_F(fi_gemm_blocks_)(&x, nt, r != NULL);
    if (r && stopped_at >= 0) {
        r->done = stopped_at;
        r->stopped = 1;
    }
}

/* defines fi_gemm_ex_f32, fi_gemm_ex_f64 */
void FI_F(fi_gemm_ex_)(int trans_a, int trans_b, fi_index m, fi_index n, fi_index k, T alpha,
                       const T *a, fi_index lda, const T *b, fi_index ldb, T beta, T *c,
                       fi_index ldc, const fi_epilogue *ep) {
    FI_F(fi_gemm_run_)(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ep, NULL);
}

/* defines fi_gemm_resumable_f32, fi_gemm_resumable_f64 */
void FI_F(fi_gemm_resumable_)(int trans_a, int trans_b, fi_index m, fi_index n, fi_index k,
                              T alpha, const T *a, fi_index lda, const T *b, fi_index ldb,
                              T beta, T *c, fi_index ldc, const fi_epilogue *ep,
                              fi_gemm_resume *r) {
    FI_F(fi_gemm_run_)(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ep, r);
}

/* defines fi_gemm_f32, fi_gemm_f64 */
void FI_F(fi_gemm_)(int trans_a, int trans_b, fi_index m, fi_index n, fi_index k, T alpha,
                    const T *a, fi_index lda, const T *b, fi_index ldb, T beta, T *c,
                    fi_index ldc) {
    FI_F(fi_gemm_ex_)(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, NULL);
}

#undef FI_A_AT
#undef FI_A_RS
#undef FI_A_CS
#undef FI_B_AT
#undef FI_B_RS
#undef FI_B_CS
#undef FI_KT
#undef FI_F
#undef FI_CAT
#undef FI_CAT_
