/* elementwise_simd_undef.h (internal): forget the vector macros an
 * includer of elementwise_simd.h defined, before the next instantiation. */
#undef T
#undef VT
#undef VW
#undef FI_SFX
#undef FI_ISA
#undef V_LOAD
#undef V_STORE
#undef V_LOADT
#undef V_STORET
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
