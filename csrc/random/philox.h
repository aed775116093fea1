/* philox.h: the Philox4x32-10 counter-based bit generator (Salmon, Moraes,
 * Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011).
 *
 * A pure function: 128-bit counter + 64-bit key -> four 32-bit words.  No
 * state is carried between calls, which is what makes every random fill in
 * fastinit a pure function of (seed, stream, element index) and hence
 * independent of threads, chunking and the SIMD kernel set.
 *
 * fastinit's counter layout (one "block" = one Philox call = 4 words):
 *   ctr[0], ctr[1] = low, high 32 bits of the 64-bit block index
 *   ctr[2], ctr[3] = low, high 32 bits of the 64-bit stream id
 *   key[0], key[1] = the 64-bit key derived from the seed
 * The stream id lets Generator.spawn() hand out independent sequences under
 * one key without any risk of overlapping counters.
 *
 * The bits match Random123's philox4x32_10 (checked against its known-answer
 * vectors in tests/test_random.py), so streams can be reproduced elsewhere. */
#ifndef FASTINIT_PHILOX_H
#define FASTINIT_PHILOX_H

#include "core/fastinit.h"

#define FI_PHILOX_M0 0xD2511F53u
#define FI_PHILOX_M1 0xCD9E8D57u
#define FI_PHILOX_W0 0x9E3779B9u /* golden ratio */
#define FI_PHILOX_W1 0xBB67AE85u /* sqrt(3) - 1 */
#define FI_PHILOX_ROUNDS 10

/* The generator as the kernels see it: key, stream, and the block at which
 * element 0 of a fill starts (Generator keeps advancing it between calls). */
typedef struct {
    uint32_t key[2];
    uint64_t stream;
    uint64_t start; /* block index of element 0 */
} fi_rng;

FI_INLINE void fi_philox4x32_10(const uint32_t ctr_in[4], const uint32_t key_in[2],
                                uint32_t out[4]) {
    uint32_t c0 = ctr_in[0], c1 = ctr_in[1], c2 = ctr_in[2], c3 = ctr_in[3];
    uint32_t k0 = key_in[0], k1 = key_in[1];
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        uint64_t p0 = (uint64_t)FI_PHILOX_M0 * c0;
        uint64_t p1 = (uint64_t)FI_PHILOX_M1 * c2;
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        k0 += FI_PHILOX_W0;
        k1 += FI_PHILOX_W1;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

/* The four words of block `block` (absolute index) of generator g. */
FI_INLINE void fi_philox_block(const fi_rng *g, uint64_t block, uint32_t out[4]) {
    uint32_t ctr[4] = {(uint32_t)block, (uint32_t)(block >> 32), (uint32_t)g->stream,
                       (uint32_t)(g->stream >> 32)};
    fi_philox4x32_10(ctr, g->key, out);
}

/* Round keys k + r*W for r = 0..9, as the SIMD kernels broadcast them. */
FI_INLINE void fi_philox_round_keys(const uint32_t key[2], uint32_t rk[FI_PHILOX_ROUNDS][2]) {
    uint32_t k0 = key[0], k1 = key[1];
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        rk[r][0] = k0;
        rk[r][1] = k1;
        k0 += FI_PHILOX_W0;
        k1 += FI_PHILOX_W1;
    }
}

#endif /* FASTINIT_PHILOX_H */
