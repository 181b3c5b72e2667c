# Runs inside the frozen app before any app code.
import sys
import types

# mediapipe's vision package imports matplotlib.pyplot at module level for plotting helpers the
# console never calls; matplotlib is not bundled (packaging/bundle_config.py PY_EXCLUDES). A
# placeholder satisfies the import and names the cause if anything ever does use it.


class _NotBundled(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise ImportError(f"{self.__name__}.{name}: matplotlib is not bundled with Live Console")


if "matplotlib" not in sys.modules:
    _mpl = _NotBundled("matplotlib")
    _mpl.__path__ = []
    _plt = _NotBundled("matplotlib.pyplot")
    _mpl.pyplot = _plt
    sys.modules["matplotlib"] = _mpl
    sys.modules["matplotlib.pyplot"] = _plt
