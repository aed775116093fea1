"""threadpoolctl support: fastinit's thread team as a library that
``threadpoolctl.threadpool_info()`` lists and ``threadpool_limits`` sets
(user_api "fastinit").  The controller reads and sets the process-wide
count through the two C symbols that _core exports for it
(csrc/core/fastinit.h: fi_get_num_threads, fi_set_num_threads).

Registered when threadpoolctl is imported, without importing it with
fastinit: an import hook waits for it (see install)."""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

_version = "0+unknown"  # fastinit's, set by install


def _controller_class(threadpoolctl: Any) -> type[Any]:
    # threadpoolctl is not followed by mypy (pyproject.toml): its base class is Any.
    class FastinitController(threadpoolctl.LibController):  # type: ignore[misc]
        user_api = "fastinit"
        internal_api = "fastinit"
        filename_prefixes = ("_core.",)
        check_symbols = ("fi_get_num_threads", "fi_set_num_threads")

        def get_num_threads(self) -> int:
            n: int = self.dynlib.fi_get_num_threads()
            return n

        def set_num_threads(self, num_threads: int) -> None:
            self.dynlib.fi_set_num_threads(int(num_threads))

        def get_version(self) -> str:
            return _version

    return FastinitController


def _register(threadpoolctl: ModuleType) -> None:
    if getattr(threadpoolctl, "register", None) is None:
        return  # threadpoolctl < 3.5: no custom controllers
    if any(getattr(c, "user_api", None) == "fastinit"
           for c in getattr(threadpoolctl, "_ALL_CONTROLLERS", ())):
        return
    threadpoolctl.register(_controller_class(threadpoolctl))


class _Loader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        _register(module)


class _Finder(importlib.abc.MetaPathFinder):
    """Registers the controller right after threadpoolctl is first imported."""

    def find_spec(self, name: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if name != "threadpoolctl":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


def install(version: str) -> None:
    """Register now if threadpoolctl is loaded, else when it is; the
    controller reports `version` (fastinit's)."""
    global _version
    _version = version
    mod = sys.modules.get("threadpoolctl")
    if mod is not None:
        _register(mod)
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
