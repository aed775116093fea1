"""The supported Pythons and the NumPy floor are each written in several
places (pyproject's requires-python, classifiers and cibuildwheel ids;
pyproject's numpy>=, setup.py's NPY_TARGET_VERSION and the import check in
fastinit._core): these tests fail when one of them drifts.  They read the
source checkout, so they skip where tests/ runs without it (the wheel round
trip copies tests/ alone)."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
pytestmark = pytest.mark.skipif(not PYPROJECT.is_file(),
                                reason="needs the source checkout's pyproject.toml")


def _pyproject():
    return PYPROJECT.read_text()


def _classifier_versions(text):
    return sorted(re.findall(r'"Programming Language :: Python :: (3\.\d+)"', text),
                  key=lambda v: tuple(map(int, v.split("."))))


def test_supported_pythons_agree():
    text = _pyproject()
    versions = _classifier_versions(text)
    assert len(versions) >= 2, "pyproject lists no Python 3.X classifiers"
    floor = re.search(r'requires-python\s*=\s*">=\s*(3\.\d+)"', text).group(1)
    assert floor == versions[0], f"requires-python >={floor}, classifiers start at {versions[0]}"
    minors = [int(v.split(".")[1]) for v in versions]
    assert minors == list(range(minors[0], minors[-1] + 1)), f"a gap in {versions}"
    build = re.search(r'^build\s*=\s*"([^"]*)"', text, re.M).group(1).split()
    gil = [b for b in build if not b.endswith("t-*")]
    assert gil == [f"cp3{m}-*" for m in minors], \
        f"cibuildwheel builds {build}, classifiers say {versions}"
    # free-threaded wheels: only for listed versions, and said in a classifier
    free = [b for b in build if b.endswith("t-*")]
    assert free and all(b[:-3] + "-*" in gil for b in free), build
    assert "Programming Language :: Python :: Free Threading" in text


def test_license_is_declared_and_shipped():
    text = _pyproject()
    assert re.search(r'^license\s*=\s*"MIT"', text, re.M)
    assert re.search(r'^license-files\s*=\s*\["LICENSE"\]', text, re.M)
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "py.typed" in text and "*.pyi" in text  # package-data ships the type information


def test_numpy_floor_agrees():
    floor = re.search(r'dependencies\s*=\s*\[[^\]]*"numpy>=(\d+)\.(\d+)"', _pyproject())
    assert floor, "pyproject.toml's dependencies have no numpy>=X.Y"
    major, minor = int(floor.group(1)), int(floor.group(2))
    target = re.search(r'"NPY_TARGET_VERSION",\s*"NPY_(\d+)_(\d+)_API_VERSION"',
                       (ROOT / "setup.py").read_text())
    assert target and (int(target.group(1)), int(target.group(2))) == (major, minor), \
        "setup.py's NPY_TARGET_VERSION is not pyproject's numpy floor"
    from fastinit import _core
    assert _core.NUMPY_MIN == (major, minor)

