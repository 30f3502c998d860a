"""Import gradio without the work it does for editors at every import.

Each component class gradio defines re-reads its own source file, parses it and rewrites the type stub (.pyi)
beside it in site-packages (`gradio.component_meta.create_or_modify_pyi`): about 1 s of a 2.3 s import on a
2-core machine, for stubs only an editor reads. `import_gradio()` imports gradio with that one step skipped; nothing
else changes. Should a later gradio rename the step, the import simply takes its usual time.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
from types import ModuleType

STUB_MODULE = "gradio.component_meta"
STUB_WRITER = "create_or_modify_pyi"


def _skip_stub_writing(module: ModuleType) -> None:
    if callable(getattr(module, STUB_WRITER, None)):
        setattr(module, STUB_WRITER, lambda *args, **kwargs: None)


class _StubSkipper(importlib.abc.MetaPathFinder):
    """Finds gradio.component_meta as usual, and turns its stub writer off once the module has run."""

    def find_spec(self, name, path, target=None):  # noqa: ANN001 - importlib's signature
        if name != STUB_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            _skip_stub_writing(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def import_gradio() -> ModuleType:
    """The gradio module, imported (once) without stub writing and without analytics or version checks."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # read when gradio is imported: no telemetry, no version check
    if "gradio" in sys.modules:
        return sys.modules["gradio"]
    skipper = _StubSkipper()
    sys.meta_path.insert(0, skipper)
    try:
        import gradio as imported
    finally:
        sys.meta_path.remove(skipper)
    return imported
