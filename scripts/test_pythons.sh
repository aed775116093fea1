#!/usr/bin/env bash
# fastinit on every CPython it supports that this machine has, each in a
# fresh virtual environment, installed the normal way (`pip install
# ".[test]"`) and tested from outside the checkout:
#   - the oldest: the whole suite, with the oldest NumPy pyproject allows;
#   - the newest: the whole suite, with the newest NumPy and test deps;
#   - the others: import and a smoke subset.
# The supported versions are pyproject's classifiers (tests/test_packaging.py
# keeps requires-python and cibuildwheel's list equal to them); interpreters
# are found as pythonX.Y on PATH or under pyenv.
#
#   scripts/test_pythons.sh                  # as CI runs it
#   scripts/test_pythons.sh --except 3.11    # leave one out (CI tests it already)
#   scripts/test_pythons.sh 3.12 3.13        # the whole suite on these
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export MPLBACKEND=Agg PIP_DISABLE_PIP_VERSION_CHECK=1
export FASTINIT_DATA="${FASTINIT_DATA:-$(cd "$root/.." && pwd)/shared/data/mnist}"
start=$SECONDS

mapfile -t supported < <(sed -n 's/.*"Programming Language :: Python :: \(3\.[0-9]*\)".*/\1/p' pyproject.toml)
numpy_floor=$(sed -n 's/^dependencies = .*"numpy>=\([0-9][0-9.]*\)".*/\1/p' pyproject.toml)
[ "${#supported[@]}" -gt 0 ] && [ -n "$numpy_floor" ] \
    || { echo "test_pythons: no Python classifiers or numpy floor in pyproject.toml" >&2; exit 2; }

find_python() {  # 3.X -> an interpreter of that version that runs (pyenv's shims may not)
    local p candidates=()
    if command -v pyenv >/dev/null 2>&1; then
        mapfile -t candidates < <(ls -d "$(pyenv root)/versions/$1".*/bin/python 2>/dev/null | sort -rV)
    fi
    candidates+=("$(command -v "python$1" 2>/dev/null || true)")
    for p in "${candidates[@]}"; do
        if [ -n "$p" ] && "$p" -c 'import sys, venv; sys.exit(sys.version_info[:2] != tuple(map(int, sys.argv[1].split("."))))' "$1" 2>/dev/null; then
            echo "$p"; return 0
        fi
    done
    return 1
}

run_one() {  # version interpreter full|smoke [pip requirement pinning numpy]
    local version=$1 py=$2 mode=$3 pin=${4:-} work
    work=$(mktemp -d "${TMPDIR:-/tmp}/fastinit-py$version.XXXXXX")
    echo "== Python $version: $mode${pin:+, $pin} ($((SECONDS - start)) s)"
    "$py" -m venv "$work/venv"
    "$work/venv/bin/python" -m pip install -q "$root[test]" ${pin:+"$pin"}
    (
        cd "$work"
        "$work/venv/bin/python" -c "import sys, numpy, fastinit
print('  Python', sys.version.split()[0], '| NumPy', numpy.__version__, '|', fastinit.build_info())"
        if [ "$mode" = full ]; then
            "$work/venv/bin/python" -m pytest "$root/tests" -q -p no:cacheprovider
        else
            "$work/venv/bin/python" -m pytest -q -p no:cacheprovider "$root/tests/test_core.py" \
                "$root/tests/test_layout.py" "$root/tests/test_init.py" "$root/tests/test_train.py"
            "$work/venv/bin/python" -m fastinit info
        fi
    )
    rm -rf "$work"
}

skip=""
if [ "${1:-}" = "--except" ]; then skip=${2:?--except needs a version}; shift 2; fi
if [ $# -gt 0 ]; then
    for v in "$@"; do
        p=$(find_python "$v") || { echo "test_pythons: no Python $v here" >&2; exit 2; }
        run_one "$v" "$p" full
    done
    exit 0
fi

have=()
for v in "${supported[@]}"; do
    if find_python "$v" >/dev/null; then have+=("$v"); else echo "test_pythons: no Python $v here, not tested"; fi
done
[ "${#have[@]}" -gt 0 ] || { echo "test_pythons: none of ${supported[*]} is installed" >&2; exit 1; }
oldest=${have[0]} newest=${have[${#have[@]} - 1]}
for v in "${have[@]}"; do
    [ "$v" = "$skip" ] && [ "$v" != "$oldest" ] && [ "$v" != "$newest" ] && continue
    p=$(find_python "$v")
    if [ "$v" = "$oldest" ]; then run_one "$v" "$p" full "numpy~=$numpy_floor.0"
    elif [ "$v" = "$newest" ]; then run_one "$v" "$p" full
    else run_one "$v" "$p" smoke
    fi
done
echo "== done: ${have[*]} ($((SECONDS - start)) s)"
