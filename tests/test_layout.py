"""The package's layers point down: engine (fastinit, fastinit.reference)
<- fastinit.nn <- fastinit.study <- fastinit.bench, and no two modules
import each other, even through imports inside functions.

Every import statement of every module is read with ``ast`` (module-level
and inside functions, absolute and relative).  Two documented exceptions:
``fastinit/__main__.py``, the ``fastinit`` command, sits on top of
everything and may import any layer (nothing imports it); the facade in
``fastinit/__init__.py`` names nn and study objects in ``_FACADE``, which its
module ``__getattr__`` imports on first use, after the package has finished
importing: those names are checked here to point at the layers above, and
are not edges of the import graph."""
import ast
import pathlib
import textwrap

import pytest

import fastinit

LAYERS = {"engine": 0, "nn": 1, "study": 2, "bench": 3, "command": 4}
COMMAND = "fastinit.__main__"
FACADE = "fastinit"


def layer_of(module):
    parts = module.split(".")
    if module == COMMAND:
        return "command"
    if len(parts) > 1 and parts[1] in ("nn", "study", "bench"):
        return parts[1]
    return "engine"


def modules(root):
    """{module name: path} of the .py files of the package at `root`."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def is_module(root, name):
    """Whether `name` (dotted, under root's package) is a module or package:
    a .py file, a package folder or a compiled module (.pyx source or .so)."""
    base = root.parent.joinpath(*name.split("."))
    return (base.with_suffix(".py").exists() or (base / "__init__.py").exists()
            or base.with_suffix(".pyx").exists() or any(base.parent.glob(base.name + ".*.so"))
            or any(base.parent.glob(base.name + ".*.pyd")))


def imports(root, module, path):
    """The package modules `module` imports, anywhere in its code."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    top = root.name
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module
            names = [f"{base}.{alias.name}" if is_module(root, f"{base}.{alias.name}") else base
                     for alias in node.names]
        else:
            continue
        found.update(n for n in names if n == top or n.startswith(top + "."))
    return found


def graph(root):
    return {m: imports(root, m, p) for m, p in modules(root).items()}


def direction_errors(edges):
    errors = []
    for source, targets in edges.items():
        if source == COMMAND:
            continue
        for target in targets:
            if target == COMMAND:
                errors.append(f"{source} imports {COMMAND}, the command")
            elif LAYERS[layer_of(target)] > LAYERS[layer_of(source)]:
                errors.append(f"{source} ({layer_of(source)}) imports {target} "
                              f"({layer_of(target)})")
    return sorted(errors)


def cycles(edges):
    """One cycle per strongly connected component of more than one module
    (or a module importing itself), as a list of modules."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in edges:
                continue  # a compiled module: imports nothing of the package's Python
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in edges.get(v, ()):
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def facade_names(path):
    """{name: module} of the facade's lazy names (the _FACADE dict)."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_FACADE"
                                                for t in node.targets):
            table = ast.literal_eval(node.value)
            return {name: module for name, (module, _) in table.items()}
    raise AssertionError(f"{path} has no _FACADE table")


ROOT = pathlib.Path(fastinit.__file__).resolve().parent


def test_imports_point_down():
    assert direction_errors(graph(ROOT)) == []


def test_no_import_cycles():
    assert cycles(graph(ROOT)) == []


def test_the_facade_loads_only_the_engine_and_names_the_layers_above():
    edges = graph(ROOT)
    assert all(layer_of(t) == "engine" for t in edges[FACADE]), edges[FACADE]
    lazy = facade_names(ROOT / "__init__.py")
    for name, module in lazy.items():
        assert is_module(ROOT, module), (name, module)
        assert layer_of(module) in ("nn", "study") or module == "fastinit.reference", name
        assert getattr(fastinit, name) is not None


def test_the_command_reaches_study_and_bench_and_nothing_imports_it():
    edges = graph(ROOT)
    assert {"fastinit.study.cli", "fastinit.bench"} <= edges[COMMAND]
    assert not [m for m, targets in edges.items() if COMMAND in targets]


def _package(tmp_path, files):
    root = tmp_path / "fastinit"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


@pytest.mark.parametrize("forbidden", [
    ("ops.py", "def f():\n    from .nn import net\n", "fastinit.ops (engine) imports fastinit.nn.net (nn)"),
    ("ops.py", "import fastinit.study\n", "fastinit.ops (engine) imports fastinit.study (study)"),
    ("nn/net.py", "from ..study import cli\n",
     "fastinit.nn.net (nn) imports fastinit.study.cli (study)"),
    ("nn/net.py", "from fastinit import bench\n", "fastinit.nn.net (nn) imports fastinit.bench (bench)"),
    ("study/cli.py", "def f():\n    from .. import bench\n",
     "fastinit.study.cli (study) imports fastinit.bench (bench)"),
    ("study/cli.py", "from fastinit.__main__ import main\n",
     "fastinit.study.cli imports fastinit.__main__, the command"),
])
def test_the_checks_catch_a_forbidden_import(tmp_path, forbidden):
    name, text, message = forbidden
    files = {"__init__.py": "", "ops.py": "", "nn/__init__.py": "", "nn/net.py": "",
             "study/__init__.py": "", "study/cli.py": "", "bench/__init__.py": "",
             "__main__.py": "from .study import cli\nfrom . import bench\n"}
    assert direction_errors(graph(_package(tmp_path / "ok", files))) == []
    files[name] = text
    assert direction_errors(graph(_package(tmp_path / "bad", files))) == [message]


def test_the_checks_catch_a_cycle(tmp_path):
    root = _package(tmp_path, {"__init__.py": "", "init.py": "def f():\n    from .nn import lsuv\n",
                               "nn/__init__.py": "", "nn/lsuv.py": "from . import net\n",
                               "nn/net.py": "from .. import init\n"})
    assert cycles(graph(root)) == [["fastinit.init", "fastinit.nn.lsuv", "fastinit.nn.net"]]


NOT_BUILT = ("fastinit is not built in this folder: install it (`pip install .`) and run from "
             "another folder, or build in place (`pip install -e . --no-build-isolation`)")


def test_an_unbuilt_checkout_says_how_to_build_it(tmp_path):
    """Run from a source checkout without the compiled modules, `import
    fastinit` (and `python -m fastinit`) find the checkout, not the
    installed copy: the error says so instead of blaming a circular import."""
    import shutil
    import subprocess
    import sys

    shutil.copytree(ROOT, tmp_path / "fastinit",
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "*.c", "__pycache__"))
    (tmp_path / "pyproject.toml").write_text("[project]\nname = \"fastinit\"\n")
    # An editable install's finder would still find the real tree: set it
    # aside, as a wheel install (which has none) would be.
    no_editable = ("import sys; sys.meta_path[:] = [f for f in sys.meta_path "
                   "if 'editable' not in repr(f).lower()]; ")
    for code in ("import fastinit", "import runpy; runpy.run_module('fastinit', run_name='__main__')"):
        res = subprocess.run([sys.executable, "-c", no_editable + code], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)
        assert res.returncode == 1, res.stderr
        last = res.stderr.strip().splitlines()[-1]
        assert last.startswith("ImportError") and NOT_BUILT in last, res.stderr
        assert "circular import" not in res.stderr
