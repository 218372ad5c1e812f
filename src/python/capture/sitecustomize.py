"""preflight's query capture, loaded by Python at start-up because preflight puts this
directory first on the PYTHONPATH of the service it starts. Does nothing unless
PREFLIGHT_CAPTURE_FILE is set; then chains to any other sitecustomize on the path."""

import os
import sys


def _chain() -> None:
    # Python imports only the first sitecustomize it finds: import the next one too,
    # so a service that relies on its own keeps working.
    here = os.path.dirname(os.path.abspath(__file__))
    mine = sys.modules.pop("sitecustomize", None)
    saved = list(sys.path)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    try:
        import importlib

        importlib.import_module("sitecustomize")
    except ImportError:
        pass
    finally:
        sys.path[:] = saved
        other = sys.modules.get("sitecustomize")
        if mine is not None:
            sys.modules["sitecustomize"] = mine
            if other is not None and other is not mine:
                sys.modules["_preflight_chained_sitecustomize"] = other


if os.environ.get("PREFLIGHT_CAPTURE_FILE"):
    try:
        import preflight_capture

        preflight_capture.install(os.environ["PREFLIGHT_CAPTURE_FILE"])
    except Exception as exc:  # never keep the service from starting
        sys.stderr.write(f"preflight capture: disabled ({exc!r})\n")
_chain()
