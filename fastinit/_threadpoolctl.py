"""threadpoolctl support: fastinit's thread team as a library that
``threadpoolctl.threadpool_info()`` lists and ``threadpool_limits`` sets
(user_api "fastinit").  The controller reads and sets the process-wide
count through the two C symbols that _core exports for it
(csrc/core/fastinit.h: fi_get_num_threads, fi_set_num_threads).

Registered when threadpoolctl is imported, without importing it with
fastinit: an import hook waits for it (see install)."""
import importlib.abc
import importlib.machinery
import sys

_version = "0+unknown"  # fastinit's, set by install


def _controller_class(threadpoolctl):
    class FastinitController(threadpoolctl.LibController):
        user_api = "fastinit"
        internal_api = "fastinit"
        filename_prefixes = ("_core.",)
        check_symbols = ("fi_get_num_threads", "fi_set_num_threads")

        def get_num_threads(self):
            return self.dynlib.fi_get_num_threads()

        def set_num_threads(self, num_threads):
            self.dynlib.fi_set_num_threads(int(num_threads))

        def get_version(self):
            return _version

    return FastinitController


def _register(threadpoolctl):
    if getattr(threadpoolctl, "register", None) is None:
        return  # threadpoolctl < 3.5: no custom controllers
    if any(getattr(c, "user_api", None) == "fastinit"
           for c in getattr(threadpoolctl, "_ALL_CONTROLLERS", ())):
        return
    threadpoolctl.register(_controller_class(threadpoolctl))


class _Loader(importlib.abc.Loader):
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _register(module)


class _Finder(importlib.abc.MetaPathFinder):
    """Registers the controller right after threadpoolctl is first imported."""

    def find_spec(self, name, path=None, target=None):
        if name != "threadpoolctl":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


def install(version):
    """Register now if threadpoolctl is loaded, else when it is; the
    controller reports `version` (fastinit's)."""
    global _version
    _version = version
    mod = sys.modules.get("threadpoolctl")
    if mod is not None:
        _register(mod)
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
