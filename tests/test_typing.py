"""fastinit's type hints: the typed usage example runs, the package ships
py.typed and the _core stub, the stub matches the compiled module
(mypy.stubtest) and the package passes ``mypy --strict`` (pyproject.toml's
[tool.mypy]).  The mypy checks skip where mypy is not installed."""
import ast
import importlib.resources
import importlib.util
import inspect
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from fastinit import init

TESTS = pathlib.Path(__file__).resolve().parent
ROOT = TESTS.parent


def _load_usage():
    spec = importlib.util.spec_from_file_location("typing_usage", TESTS / "typing_usage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_typing_usage_runs():
    _load_usage().main()


def test_package_ships_its_type_information():
    package = importlib.resources.files("fastinit")
    assert package.joinpath("py.typed").is_file()
    assert package.joinpath("_core.pyi").is_file()


def _type_checking_defs(path):
    """name -> [ast.FunctionDef] of the functions declared under a module's
    top-level ``if TYPE_CHECKING:`` (the overloads and the last signature)."""
    defs = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    defs.setdefault(item.name, []).append(item)
    return defs


_NO_DEFAULT = object()


def _default(node):
    """A declared default: its value where it is a literal, else its source."""
    if node is None:
        return _NO_DEFAULT
    try:
        return ast.literal_eval(node)
    except ValueError:
        return ast.unparse(node)


def _declared(fn):
    """(name, kind, default) of an ast function's parameters."""
    a = fn.args
    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + a.defaults
    out = [(p.arg, "positional", _default(d)) for p, d in zip(positional, defaults)]
    out += [(p.arg, "keyword", _default(d)) for p, d in zip(a.kwonlyargs, a.kw_defaults)]
    return out


def _runtime(fn):
    out = []
    for p in inspect.signature(fn).parameters.values():
        kind = "keyword" if p.kind == p.KEYWORD_ONLY else "positional"
        if p.default is p.empty:
            default = _NO_DEFAULT
        elif p.default is np.float32:
            default = "np.float32"
        else:
            default = p.default
        out.append((p.name, kind, default))
    return out


def test_functional_initializers_declared_as_built():
    """fastinit/init.py declares the functional initializers for type
    checkers under TYPE_CHECKING; each declaration (the signature after its
    overloads) has the parameters inspect.signature shows at run time."""
    defs = _type_checking_defs(pathlib.Path(init.__file__))  # the installed source
    functional = {name for name in init.INITIALIZERS
                  if getattr(init, name).__name__ == name}  # aliases share the function
    assert set(defs) == functional
    for name, fns in defs.items():
        implementation = fns[-1]
        assert not implementation.decorator_list, name
        assert _declared(implementation) == _runtime(getattr(init, name)), name
        for overload in fns[:-1]:  # same names and kinds; only dtype's default differs
            assert ([p[:2] for p in _declared(overload)]
                    == [p[:2] for p in _declared(implementation)]), name


def test_dask_initializers_declared():
    pytest.importorskip("dask.array", reason="fastinit.dask needs dask (extra 'dask')")
    fastinit_dask = pytest.importorskip("fastinit.dask")
    tree = ast.parse(pathlib.Path(fastinit_dask.__file__).read_text())
    declared = set()
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            declared |= {item.target.id for item in node.body
                         if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)}
    assert set(fastinit_dask.__all__) <= declared


def _mypy():
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed")
    if not (ROOT / "pyproject.toml").is_file():
        pytest.skip("not a source checkout: no pyproject.toml with the mypy settings")


def _run(*args, timeout=120, cwd=ROOT):
    proc = subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)
    return proc.returncode, proc.stdout + proc.stderr


def test_core_stub_matches_the_compiled_module(tmp_path):
    _mypy()
    # stubtest imports the module and mypy must find its stub: from the
    # checkout when that is what is imported (an editable or in-place build,
    # which mypy cannot follow from elsewhere), else from another folder, where
    # the unbuilt checkout cannot shadow the installed package
    import fastinit

    in_checkout = pathlib.Path(fastinit.__file__).resolve().parent == ROOT / "fastinit"
    rc, output = _run("mypy.stubtest", "fastinit._core", "--mypy-config-file",
                      str(ROOT / "pyproject.toml"), "--allowlist",
                      str(TESTS / "stubtest_allowlist.txt"),
                      cwd=ROOT if in_checkout else tmp_path)
    assert rc == 0, output


def test_package_passes_mypy_strict(tmp_path):
    _mypy()
    # a fresh cache: a stale one can hide a module added since it was written
    rc, output = _run("mypy", "--cache-dir", str(tmp_path / "mypy_cache"))
    assert rc == 0, output


@pytest.mark.parametrize("module", ["fastinit", "fastinit.init", "fastinit.random", "fastinit.ops",
                                    "fastinit.dask", "fastinit.nn", "fastinit.nn.net",
                                    "fastinit.nn.train", "fastinit.nn.optim",
                                    "fastinit.nn.layers"])
def test_hints_resolve_at_run_time(module):
    """typing.get_type_hints works on every public function and method (the
    aliases are real objects, not names only a type checker sees), so tools
    that read hints at run time (pydantic, typer, Sphinx) can use them."""
    import importlib
    import typing

    mod = importlib.import_module(module)
    checked = 0
    for name in getattr(mod, "__all__", [n for n in dir(mod) if not n.startswith("_")]):
        obj = getattr(mod, name)
        targets = [obj] + ([v for v in vars(obj).values() if inspect.isfunction(v)]
                           if inspect.isclass(obj) else [])
        for target in targets:
            if inspect.isfunction(target) or inspect.isclass(target):
                typing.get_type_hints(target)
                checked += 1
    assert checked > 0
