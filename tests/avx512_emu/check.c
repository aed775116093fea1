/* Runs the AVX-512 kernels (built against immintrin.h here) and the generic
 * C on the same blocks; exit status 0 when every bit agrees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "random/distributions_isa.h"
#include "core/cpu.h"
#include "core/half.h"
int main(void) {
    fi_set_isa(FI_ISA_GENERIC);
    fi_rng g = {{0x1234567u, 0x89abcdefu}, 0x1122334455667788ull, 3};
    int bad = 0;
    for (uint64_t block = 0; block < 200; block += 37) {
        enum { NG = 3, NB = NG * 16 };
        float a[NB * 4], b[NB * 4]; double c[NB * 2], d[NB * 2]; uint32_t w[NB * 4], w2[NB * 4];
        fi_uniform_f32(&g, block * 4, NB * 4, -1.5f, 2.5f, a);
        fi_uniform_f32_avx512(&g, g.start + block, NG, -1.5f, 4.0f, FI_OUT_F32, b);
        bad += memcmp(a, b, sizeof a) != 0;
        fi_normal_f32(&g, block * 4, NB * 4, 0.25f, 3.0f, a);
        fi_normal_f32_avx512(&g, g.start + block, NG, 0.25f, 3.0f, FI_OUT_F32, b);
        bad += 10 * (memcmp(a, b, sizeof a) != 0);
        fi_uniform_f64(&g, block * 2, NB * 2, -1.5, 2.5, c);
        fi_uniform_f64_avx512(&g, g.start + block, NG, -1.5, 4.0, d);
        bad += 100 * (memcmp(c, d, sizeof c) != 0);
        fi_normal_f64(&g, block * 2, NB * 2, 0.25, 3.0, c);
        fi_normal_f64_avx512(&g, g.start + block, NG, 0.25, 3.0, d);
        bad += 1000 * (memcmp(c, d, sizeof c) != 0);
        fi_philox_words(&g, g.start + block, NB, w);
        fi_philox_words_avx512(&g, g.start + block, NG, w2);
        bad += 10000 * (memcmp(w, w2, sizeof w) != 0);
        for (int fmt = FI_OUT_F16; fmt <= FI_OUT_BF16; fmt++) {
            uint16_t h[NB * 4], h2[NB * 4];
            fi_uniform_h16(&g, block * 4, NB * 4, -70000.0f, 70000.0f, fmt, h);
            fi_uniform_f32_avx512(&g, g.start + block, NG, -70000.0f, 140000.0f, fmt, h2);
            bad += 100000 * (memcmp(h, h2, sizeof h) != 0);
            fi_normal_h16(&g, block * 4, NB * 4, 0.0f, 1e-6f, fmt, h);
            fi_normal_f32_avx512(&g, g.start + block, NG, 0.0f, 1e-6f, fmt, h2);
            bad += 1000000 * (memcmp(h, h2, sizeof h) != 0);
        }
        if (block == 0) printf("sample %g %g | %g %g\n", a[5], b[5], c[7], d[7]);
    }
    /* truncated normal: intervals with no, some, most and only tail lanes
     * (central |p - 1/2| <= 0.425, tail, far tail beyond r = 5), flipped */
    int tbad = 0; /* truncated normal: f32, f64 (x10), 16-bit (x100) */
    {
        static const double iv[][2] = {{-2, 2}, {-0.5, 0.5}, {-9, -6}, {0.5, 3}, {-0.1, 0.1},
                                       {-INFINITY, -3}, {2, INFINITY}, {-INFINITY, INFINITY},
                                       {6, 9}, {-36.9, -30}, {-1, 30}};
        for (size_t t = 0; t < sizeof iv / sizeof iv[0]; t++) {
            double a = iv[t][0], b = iv[t][1], mean = 0.25, std = 3.0;
            int flip = a + b > 0;
            double lo = flip ? -b : a, hi = flip ? -a : b;
            double plo = fi_normal_cdf(lo);
            double prm[6] = {mean, std, lo, hi, plo, fi_normal_cdf(hi) - plo};
            for (uint64_t block = 0; block < 700; block += 333) {
                enum { NG = 20, NB = NG * 16 }; /* 1280 floats: more than one chunk */
                static float a32[NB * 4], b32[NB * 4];
                static double a64[NB * 2], b64[NB * 2];
                static uint16_t h1[NB * 4], h2[NB * 4];
                fi_truncated_normal_f32(&g, block * 4, NB * 4, mean, std, a, b, a32);
                fi_truncated_f32_avx512(&g, g.start + block, NG, prm, flip, FI_OUT_F32, b32);
                tbad += memcmp(a32, b32, sizeof a32) != 0;
                fi_truncated_normal_f64(&g, block * 2, NB * 2, mean, std, a, b, a64);
                fi_truncated_f64_avx512(&g, g.start + block, NG, prm, flip, b64);
                tbad += 10 * (memcmp(a64, b64, sizeof a64) != 0);
                for (int fmt = FI_OUT_F16; fmt <= FI_OUT_BF16; fmt++) {
                    fi_truncated_normal_h16(&g, block * 4, NB * 4, mean, std, a, b, fmt, h1);
                    fi_truncated_f32_avx512(&g, g.start + block, NG, prm, flip, fmt, h2);
                    tbad += 100 * (memcmp(h1, h2, sizeof h1) != 0);
                }
            }
        }
    }
    /* the rounding edges: ties, subnormals, the float16 overflow edge, NaN */
    {
        enum { N = 4096 };
        static float x[N];
        static uint16_t r1[N], r2[N];
        uint32_t seed = 12345;
        for (int i = 0; i < N; i++) {
            uint32_t u;
            seed = seed * 1664525u + 1013904223u;
            if (i < 2048) /* every exponent, mantissas near the rounding points */
                u = ((uint32_t)(i & 255) << 23) | ((seed >> 9) & 0x7fe000u) | (i & 8 ? 0x1000u : 0x0fffu);
            else
                u = seed;
            u |= (uint32_t)(i & 1) << 31;
            memcpy(&x[i], &u, 4);
        }
        for (int fmt = FI_OUT_F16; fmt <= FI_OUT_BF16; fmt++) {
            fi_round_f32_h16(N, x, fmt, r1); /* generic: the isa is set to generic above */
            fi_round_h16_avx512(N, x, fmt, r2);
            bad += 10000000 * (memcmp(r1, r2, sizeof r1) != 0);
        }
    }
    if (tbad)
        printf("TRUNCATED MISMATCH %d\n", tbad);
    bad += tbad != 0;
    printf(bad ? "MISMATCH %d\n" : "avx512 (emulated) == generic\n", bad);
    return bad != 0;
}
