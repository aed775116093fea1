#!/usr/bin/env bash
# Memory-error and undefined-behaviour check of the compiled code.
#
#   scripts/sanitize.sh [pytest args...]
#
# 1. builds fastinit with FASTINIT_SANITIZE=address,undefined (gcc's ASan +
#    UBSan, -O1 -g) into a fresh virtual environment, from a clean copy of
#    the tree (so no object of a normal build is reused);
# 2. runs the test suite against it with gcc's libasan preloaded into the
#    (uninstrumented) Python; any invalid read/write or UB aborts the run;
# 3. LeakSanitizer: Python itself "leaks" at exit, so leaks are checked on
#    a C driver (scripts/leak_driver.c) that calls every kernel family
#    without Python, plus a Python loop that must not grow traced memory
#    (catches reference leaks in the Cython bridges).
# Needs gcc; installs the build requirements and the test extra (from PyPI
# unless the system Python already has them), so the whole suite runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
start=$SECONDS
export PIP_DISABLE_PIP_VERSION_CHECK=1 MPLBACKEND=Agg

work=$(mktemp -d "${TMPDIR:-/tmp}/fastinit-sanitize.XXXXXX")
trap 'rm -rf "$work"' EXIT
cc=${CC:-gcc}
libasan=$("$cc" -print-file-name=libasan.so)
[ -f "$libasan" ] || { echo "sanitize.sh: $cc has no libasan ($libasan)" >&2; exit 1; }
# libstdc++ preloaded too: ASan's __cxa_throw interceptor needs it resolvable
# before C++ extensions (matplotlib's) throw, or ASan aborts with CHECK failed.
libstdcxx=$("$cc" -print-file-name=libstdc++.so)

echo "== copy the tree and build with ASan + UBSan"
tar -C "$root" --exclude=./build --exclude='./.venv*' --exclude=./dist --exclude='*.so' \
    --exclude='*.egg-info' --exclude=./.git --exclude='./fastinit/*.c' -cf - . \
    | (mkdir "$work/src" && tar -C "$work/src" -xf -)
python3 -m venv --system-site-packages "$work/venv"
py="$work/venv/bin/python"
# pyproject's own build requirements (setuptools >= 77 for the licence
# expression): a --no-build-isolation build uses what this venv has
mapfile -t build_requires < <("$py" -c 'import sys, tomllib
print("\n".join(tomllib.load(open(sys.argv[1], "rb"))["build-system"]["requires"]))' \
    "$root/pyproject.toml")
"$py" -m pip install -q "${build_requires[@]}"
(cd "$work/src" && CC="$cc" FASTINIT_SANITIZE=address,undefined \
    "$py" -m pip install -q --no-build-isolation ".[test]")

# ASan must be the first library loaded into the process; detect_leaks=0
# because the interpreter keeps its objects at exit (step 3 checks leaks).
# allocator_may_return_null: a huge request becomes NumPy's MemoryError, as
# without ASan, instead of an ASan abort.
asan_opts="detect_leaks=0:allocator_may_return_null=1:halt_on_error=1:abort_on_error=1"
asan_opts+=":detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1"
ubsan_opts="halt_on_error=1:abort_on_error=1:print_stacktrace=1"

# Tests that measure the process's RSS are left out: ASan's quarantine and
# shadow memory make RSS grow without any leak (step 3 checks leaks).
echo "== test suite under ASan + UBSan"
t0=$SECONDS
(cd "$work" && cp -r "$work/src/tests" "$work/tests" \
    && LD_PRELOAD="$libasan $libstdcxx" ASAN_OPTIONS="$asan_opts" UBSAN_OPTIONS="$ubsan_opts" \
       PYTHONMALLOC=malloc FASTINIT_INTERRUPT_DEADLINE=60 \
       "$py" -m pytest tests -q -p no:cacheprovider -k "not rss" "$@")
echo "   suite: $((SECONDS - t0)) s"

echo "== LeakSanitizer on the kernels (C driver, no Python)"
objs=()
omp=(-fopenmp-simd -pthread)  # #pragma omp simd only: the threads are fastinit's own (core/pool.c)
for src in $(find "$work/src/csrc" -name "*.c" | sort) "$root/scripts/leak_driver.c"; do
    extra=()
    case "$(uname -m)" in
    x86_64 | amd64)
        case "$src" in
        *_avx2.c) extra=(-mavx2 -mfma -mf16c) ;;
        *_avx512.c) extra=(-mavx512f -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma -mf16c) ;;
        esac ;;
    esac
    obj="$work/$(basename "${src%.c}").o"
    "$cc" -std=c11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
        -fno-sanitize-recover=undefined "${omp[@]}" "${extra[@]}" -I"$work/src/csrc" \
        -c "$src" -o "$obj"
    objs+=("$obj")
done
"$cc" -fsanitize=address,undefined "${omp[@]}" "${objs[@]}" -o "$work/leak_driver" -lm -lpthread
ASAN_OPTIONS="detect_leaks=1:halt_on_error=1" UBSAN_OPTIONS="$ubsan_opts" \
    LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp:print_suppressions=0" "$work/leak_driver"

echo "== reference leaks: repeated calls must not grow traced memory"
(cd "$work" && LD_PRELOAD="$libasan $libstdcxx" ASAN_OPTIONS="$asan_opts" "$py" - <<'EOF'
import gc, tracemalloc
import numpy as np
from fastinit import ops

rng = np.random.default_rng(0)
x = rng.standard_normal((33, 17)).astype(np.float32)
w = rng.standard_normal((17, 9)).astype(np.float32)
b = rng.standard_normal(9).astype(np.float32)
labels = rng.integers(0, 9, 33)
out = np.empty((33, 17), np.float32)

def once():
    z = ops.affine(x, w, b, activation="relu")
    loss, p = ops.softmax_cross_entropy(z, labels)
    ops.softmax_cross_entropy_backward(p, labels, out=p)
    ops.matmul(x, x, trans_b=True)
    ops.sum_rows(z)
    ops.softmax(z)
    for f in (ops.sigmoid, ops.tanh, ops.relu, ops.leaky_relu):
        f(x, out=out)
    ops.tanh_backward(x, out, out=out)
    ops.relu_backward(x, x)
    for bad in (lambda: ops.matmul(x, x), lambda: ops.sigmoid(labels),
                lambda: ops.softmax_cross_entropy(z, labels + 100)):
        try:
            bad()
        except (TypeError, ValueError):
            pass

for _ in range(200):
    once()
# A leak grows memory in every window; a cache that grows once (NumPy's and
# the interpreter's own) only in one.  So the smallest of three windows counts.
tracemalloc.start()
growth = []
for window in range(3):
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(2000):
        once()
    gc.collect()
    growth.append(tracemalloc.get_traced_memory()[0] - before)
print(f"   traced memory growth per window of 2000 rounds: {growth} bytes")
assert min(growth) < 16 * 1024, f"memory grows in every window: {growth} bytes"
EOF
)
echo "sanitize.sh: clean ($((SECONDS - start)) s in all)"
