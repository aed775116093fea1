/* vmath_isa.h (internal): the vector-op layer the vmath templates are
 * written over (vmath_exp_simd.h, vmath_log_simd.h), one set of macros per
 * ISA and type.
 *
 * No include guard.  Included with FI_VM_SET (FI_VM_SCALAR, FI_VM_AVX2 or
 * FI_VM_AVX512) and FI_VM_DOUBLE (0/1) defined, it defines the layer; with
 * FI_VM_SET undefined, it removes it again (each template does both).
 *
 * The layer: the types VF (floats), VI (integers), VM (comparison mask),
 * VFN(name) (the function name: fi_<name>_{ps,pd}_{avx2,avx512}, or
 * fi_<name>_{f32,f64} for scalar C), and the operations V1 (broadcast),
 * VADD VSUB VMUL VDIV, VMADD(a, b, c) = a*b + c rounded twice (never fused),
 * VRCP(d) = 1/d for finite d >= 1, VFMA(a, b, c) = a*b + c, VFNMA(a, b, c)
 * = c - a*b, VMIN VMAX (NaN in the second operand wins), VOR VAND VANDNOT,
 * VROUND (to nearest) VFLOOR, VCMPGE, VBLEND(m, f, t) (t where m), VANY,
 * VBITS VFROMBITS (reinterpret), VISUB and VISLLI (integer subtract, shift
 * into the exponent field); AVX-512 adds VSCALE(p, n) = p * 2^n rounded
 * once, for integral n.  Scalar C has only the arithmetic (V1, VADD, VSUB,
 * VMUL, VDIV, VMADD): the scalar log/sin/cos are the reference the vector
 * versions reproduce. */

#define FI_VM_SCALAR 0
#define FI_VM_AVX2 1
#define FI_VM_AVX512 2

#ifdef FI_VM_SET

#if FI_VM_SET == FI_VM_SCALAR
#if FI_VM_DOUBLE
#define VF double
#define VMADD fi_madd_f64
#define VFN(name) fi_##name##_f64
#else
#define VF float
#define VMADD fi_madd_f32
#define VFN(name) fi_##name##_f32
#endif
#define V1(c) (c)
#define VADD(a, b) ((a) + (b))
#define VSUB(a, b) ((a) - (b))
#define VMUL(a, b) ((a) * (b))
#define VDIV(a, b) ((a) / (b))

#elif FI_VM_SET == FI_VM_AVX2 && !FI_VM_DOUBLE
#define VF __m256
#define VI __m256i
#define VM __m256
#define V1 _mm256_set1_ps
#define VADD _mm256_add_ps
#define VSUB _mm256_sub_ps
#define VMUL _mm256_mul_ps
#define VDIV _mm256_div_ps
#define VRCP(d) _mm256_div_ps(_mm256_set1_ps(1.0f), d)
#define VFMA _mm256_fmadd_ps
#define VFNMA _mm256_fnmadd_ps
#define VMIN _mm256_min_ps
#define VMAX _mm256_max_ps
#define VOR _mm256_or_ps
#define VAND _mm256_and_ps
#define VANDNOT _mm256_andnot_ps
#define VROUND(x) _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define VFLOOR(x) _mm256_round_ps(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define VCMPGE(a, b) _mm256_cmp_ps(a, b, _CMP_GE_OQ)
#define VBLEND(m, f, t) _mm256_blendv_ps(f, t, m)
#define VANY(m) _mm256_movemask_ps(m)
#define VBITS _mm256_castps_si256
#define VFROMBITS _mm256_castsi256_ps
#define VISUB _mm256_sub_epi32
#define VISLLI(a) _mm256_slli_epi32(a, 23)
#define VFN(name) fi_##name##_ps_avx2

#elif FI_VM_SET == FI_VM_AVX2 && FI_VM_DOUBLE
#define VF __m256d
#define VI __m256i
#define VM __m256d
#define V1 _mm256_set1_pd
#define VADD _mm256_add_pd
#define VSUB _mm256_sub_pd
#define VMUL _mm256_mul_pd
#define VDIV _mm256_div_pd
#define VRCP(d) _mm256_div_pd(_mm256_set1_pd(1.0), d)
#define VFMA _mm256_fmadd_pd
#define VFNMA _mm256_fnmadd_pd
#define VMIN _mm256_min_pd
#define VMAX _mm256_max_pd
#define VOR _mm256_or_pd
#define VAND _mm256_and_pd
#define VANDNOT _mm256_andnot_pd
#define VROUND(x) _mm256_round_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define VFLOOR(x) _mm256_round_pd(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define VCMPGE(a, b) _mm256_cmp_pd(a, b, _CMP_GE_OQ)
#define VBLEND(m, f, t) _mm256_blendv_pd(f, t, m)
#define VANY(m) _mm256_movemask_pd(m)
#define VBITS _mm256_castpd_si256
#define VFROMBITS _mm256_castsi256_pd
#define VISUB _mm256_sub_epi64
#define VISLLI(a) _mm256_slli_epi64(a, 52)
#define VFN(name) fi_##name##_pd_avx2

#elif FI_VM_SET == FI_VM_AVX512 && !FI_VM_DOUBLE
#define VF __m512
#define VI __m512i
#define VM __mmask16
#define V1 _mm512_set1_ps
#define VADD _mm512_add_ps
#define VSUB _mm512_sub_ps
#define VMUL _mm512_mul_ps
#define VDIV _mm512_div_ps
#define VRCP fi_rcp_ps_avx512
#define VSCALE _mm512_scalef_ps
#define VFMA _mm512_fmadd_ps
#define VFNMA _mm512_fnmadd_ps
#define VMIN _mm512_min_ps
#define VMAX _mm512_max_ps
#define VOR _mm512_or_ps
#define VAND _mm512_and_ps
#define VANDNOT _mm512_andnot_ps
#define VROUND(x) _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define VFLOOR(x) _mm512_roundscale_ps(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define VCMPGE(a, b) _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ)
#define VBLEND(m, f, t) _mm512_mask_blend_ps(m, f, t)
#define VANY(m) ((m) != 0)
#define VBITS _mm512_castps_si512
#define VFROMBITS _mm512_castsi512_ps
#define VISUB _mm512_sub_epi32
#define VISLLI(a) _mm512_slli_epi32(a, 23)
#define VFN(name) fi_##name##_ps_avx512

#elif FI_VM_SET == FI_VM_AVX512 && FI_VM_DOUBLE
#define VF __m512d
#define VI __m512i
#define VM __mmask8
#define V1 _mm512_set1_pd
#define VADD _mm512_add_pd
#define VSUB _mm512_sub_pd
#define VMUL _mm512_mul_pd
#define VDIV _mm512_div_pd
#define VRCP fi_rcp_pd_avx512
#define VSCALE _mm512_scalef_pd
#define VFMA _mm512_fmadd_pd
#define VFNMA _mm512_fnmadd_pd
#define VMIN _mm512_min_pd
#define VMAX _mm512_max_pd
#define VOR _mm512_or_pd
#define VAND _mm512_and_pd
#define VANDNOT _mm512_andnot_pd
#define VROUND(x) _mm512_roundscale_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define VFLOOR(x) _mm512_roundscale_pd(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define VCMPGE(a, b) _mm512_cmp_pd_mask(a, b, _CMP_GE_OQ)
#define VBLEND(m, f, t) _mm512_mask_blend_pd(m, f, t)
#define VANY(m) ((m) != 0)
#define VBITS _mm512_castpd_si512
#define VFROMBITS _mm512_castsi512_pd
#define VISUB _mm512_sub_epi64
#define VISLLI(a) _mm512_slli_epi64(a, 52)
#define VFN(name) fi_##name##_pd_avx512

#else
#error "vmath_isa.h: unknown FI_VM_SET / FI_VM_DOUBLE"
#endif

#if FI_VM_SET != FI_VM_SCALAR
/* one rounding per operation, as the scalar fi_madd_* */
#define VMADD(a, b, c) VADD(VMUL((a), (b)), (c))
#endif

#else /* FI_VM_SET undefined: remove the layer */
#undef FI_VM_DOUBLE
#undef VF
#undef VI
#undef VM
#undef V1
#undef VADD
#undef VSUB
#undef VMUL
#undef VDIV
#undef VMADD
#undef VRCP
#undef VSCALE
#undef VFMA
#undef VFNMA
#undef VMIN
#undef VMAX
#undef VOR
#undef VAND
#undef VANDNOT
#undef VROUND
#undef VFLOOR
#undef VCMPGE
#undef VBLEND
#undef VANY
#undef VBITS
#undef VFROMBITS
#undef VISUB
#undef VISLLI
#undef VFN
#endif
