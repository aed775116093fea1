"""Build fastinit: plain C11 kernels in csrc/ + one thin Cython module.

Every csrc/**/*.c file (one folder per kernel family; csrc/ is the include
root) is compiled once and linked into the one extension module,
fastinit._core (fastinit/_core.pyx and the _core_*.pxi it includes), so each
C global exists once per process.  Files named *_avx2.c / *_avx512.c are
compiled with their own ISA flags (and guard their contents with FI_X86), so
a wheel never requires more than the baseline ISA; cpu.c picks the kernel set
at import time.  Threads are fastinit's own (csrc/core/pool.c, POSIX threads):
no OpenMP runtime is linked; `#pragma omp simd` loops compile with
-fopenmp-simd where the compiler has it.

Environment knobs (build time):
  FASTINIT_NATIVE=1                 add -march=native (local builds only)
  FASTINIT_SANITIZE=address,undefined   build with sanitizers, -O1 -g (symbols kept)
"""
import glob
import os
import platform
import shutil
import tempfile

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
CSRC = "csrc"
IS_X86 = platform.machine().lower() in ("x86_64", "amd64", "i686", "x86")

# Per-ISA flags for the kernel files; keys are the file-name suffixes.
ISA_FLAGS = {
    "unix": {
        "avx2": ["-mavx2", "-mfma", "-mf16c"],
        "avx512": ["-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl",
                   "-mavx2", "-mfma", "-mf16c"],
    },
    "msvc": {"avx2": ["/arch:AVX2"], "avx512": ["/arch:AVX512"]},
}

def _compiler_takes(compiler, flags, code="int main(void) { return 0; }\n"):
    """Whether the compiler builds ``code`` with ``flags`` (as errors)."""
    if compiler.compiler_type == "msvc":
        return False
    tmp = tempfile.mkdtemp(prefix="fi_flags_")
    try:
        src = os.path.join(tmp, "flags_test.c")
        with open(src, "w") as f:
            f.write(code)
        compiler.compile([src], output_dir=tmp, extra_postargs=list(flags) + ["-Werror"])
        return True
    except Exception:  # noqa: BLE001 - any failure means "not with this compiler"
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _simd_pragma_flags(compiler):
    """-fopenmp-simd (GCC, Clang): honours `#pragma omp simd` without any
    OpenMP runtime; [] where the compiler does not take it."""
    code = ("int main(void) { int s = 0;\n#pragma omp simd\n"
            "for (int i = 0; i < 8; i++) s += i;\nreturn s == 28 ? 0 : 1; }\n")
    return ["-fopenmp-simd"] if _compiler_takes(compiler, ["-fopenmp-simd"], code) else []


def _bf16_flags(compiler):
    """-mavx512bf16 for the AVX-512 kernels where the compiler has it (GCC 10,
    Clang 9): their bfloat16 stores then use vcvtneps2bf16 on CPUs that have
    it (a run-time check); without it they round with integer operations."""
    code = ("#include <immintrin.h>\n__m256bh f(__m512 v) { return _mm512_cvtneps_pbh(v); }\n"
            "int main(void) { return 0; }\n")
    flags = ["-mavx512f", "-mavx512bf16"]
    return ["-mavx512bf16"] if IS_X86 and _compiler_takes(compiler, flags, code) else []


class BuildExt(build_ext):
    def build_extensions(self):
        compiler = self.compiler
        msvc = compiler.compiler_type == "msvc"
        sanitize = os.environ.get("FASTINIT_SANITIZE", "").strip()
        if msvc:
            base = ["/O2", "/std:c11"]
        else:
            base = ["-std=c11", "-O1" if sanitize else "-O3", "-fno-math-errno", "-ffp-contract=off",
                    "-fvisibility=hidden", "-Wall", "-Wno-unused-function", "-pthread"]
            if sanitize:
                base += [f"-fsanitize={sanitize}", "-fno-omit-frame-pointer", "-g"]
            if os.environ.get("FASTINIT_NATIVE") == "1":
                base.append("-march=native")
        base = base + _simd_pragma_flags(compiler)
        # NPY_TARGET_VERSION: the oldest NumPy the package supports (pyproject's
        # numpy>=1.23, _core.NUMPY_MIN); it also makes NumPy's headers map the
        # 1.22+ API (PyDataMem_SetHandler) to its C-API table, which a NumPy
        # 2.0-2.2 build's default target (1.19) leaves undefined.
        macros = [("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"),
                  ("NPY_TARGET_VERSION", "NPY_1_23_API_VERSION")]
        link = [] if msvc else ["-pthread"]
        if sanitize and not msvc:
            link.append(f"-fsanitize={sanitize}")
        macros.append(("FI_COMPILER", '"%s"' % _compiler_name(compiler)))

        # Compile the C kernels once, for the one extension.
        isa_flags = dict(ISA_FLAGS["msvc" if msvc else "unix"])
        if not msvc:
            isa_flags["avx512"] = isa_flags["avx512"] + _bf16_flags(compiler)
        objects = []
        headers = glob.glob(os.path.join(CSRC, "**", "*.h"), recursive=True)
        for src in sorted(glob.glob(os.path.join(CSRC, "**", "*.c"), recursive=True)):
            stem = os.path.splitext(os.path.basename(src))[0]
            extra = list(base)
            for suffix, flags in isa_flags.items():
                if stem.endswith("_" + suffix) and IS_X86:
                    extra += flags
            objects += compiler.compile([src], output_dir=self.build_temp, macros=macros,
                                        include_dirs=[CSRC], extra_postargs=extra,
                                        depends=headers)
        for ext in self.extensions:
            ext.extra_objects = objects
            ext.define_macros = list(ext.define_macros or []) + macros
            cy_flags = [f for f in base if not f.startswith("-std=") and f != "-Wall"]
            if not msvc:
                cy_flags += ["-Wno-unused-function", "-Wno-unreachable-code"]
            ext.extra_compile_args = cy_flags
            ext.extra_link_args = link
        super().build_extensions()


def _compiler_name(compiler):
    try:
        cc = compiler.compiler[0] if compiler.compiler_type != "msvc" else "msvc"
    except Exception:  # noqa: BLE001
        cc = compiler.compiler_type
    return os.path.basename(str(cc)).replace('"', "")


def extensions():
    core = Extension("fastinit._core", [os.path.join("fastinit", "_core.pyx")],
                     include_dirs=[numpy.get_include(), CSRC],
                     depends=glob.glob(os.path.join("fastinit", "_core*.px[di]")))
    return cythonize(
        [core],
        compiler_directives={
            "language_level": 3,
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
            "embedsignature": True,
        },
    )


setup(ext_modules=extensions(), cmdclass={"build_ext": BuildExt})
