"""Records every SQL statement the service runs, as JSON lines {sql, params, ms, step, t, many},
for preflight's `database` check. The step comes from the X-Preflight-Step request header,
read by an ASGI middleware wrapped around the app uvicorn loads. Hooks are installed when
their module is imported, so nothing is imported that the service would not import itself."""

from __future__ import annotations

import atexit
import contextvars
import importlib.abc
import importlib.util
import json
import os
import sys
import threading
import time
from typing import Any

STEP_HEADER = b"x-preflight-step"
_STEP: contextvars.ContextVar[str | None] = contextvars.ContextVar("preflight_step", default=None)
# Set while SQLAlchemy runs a statement, so the DB-API wrappers do not record it twice.
_in_engine = threading.local()
_fd = -1
# Lines are written in batches (at the end of each request, every _BATCH lines, at exit):
# one write per statement would cost more than the statement on a fast query.
_BATCH = 256
_pending: list[tuple[str, Any, float, str | None, float, bool]] = []
_flush_lock = threading.Lock()


def _jsonable(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(bytes(value))} bytes>"
    return str(value)


def _write(sql: str, params: Any, ms: float, many: bool = False) -> None:
    # Encoded later, in flush(): after the response has gone, off the request's latency.
    _pending.append((sql, params, ms, _STEP.get(), time.time(), many))
    if len(_pending) >= _BATCH:
        flush()


def _encode(sql: str, params: Any, ms: float, step: str | None, t: float, many: bool) -> str:
    record: dict[str, Any] = {
        "sql": sql,
        "params": params,
        "ms": round(ms, 3),
        "step": step,
        "t": t,
    }
    if many and isinstance(params, (list, tuple)):
        record["params"] = params[0] if params else None
        record["many"] = len(params)
    try:
        return json.dumps(record, default=_jsonable, separators=(",", ":"))
    except (TypeError, ValueError):
        record["params"] = None
        return json.dumps(record, default=_jsonable, separators=(",", ":"))


def flush() -> None:
    """Write the pending lines in one write (O_APPEND: lines of workers do not interleave)."""
    with _flush_lock:
        if not _pending or _fd < 0:
            return
        batch = _pending[:]
        del _pending[: len(batch)]
        text = "\n".join(_encode(*item) for item in batch) + "\n"
        os.write(_fd, text.encode("utf-8", "replace"))


# --- attribution: the step header, through an ASGI middleware around the app ---------------


class StepMiddleware:
    """Sets the current step from the X-Preflight-Step header for the length of a request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        if scope.get("type") == "http":
            for name, value in scope.get("headers") or ():
                if name == STEP_HEADER:
                    token = _STEP.set(value.decode("utf-8", "replace"))
                    try:
                        return await self.app(scope, receive, send)
                    finally:
                        _STEP.reset(token)
                        flush()
        return await self.app(scope, receive, send)


def _hook_uvicorn(module: Any) -> None:
    config = module.Config
    original = config.load

    def load(self: Any) -> None:
        original(self)
        if not isinstance(self.loaded_app, StepMiddleware):
            self.loaded_app = StepMiddleware(self.loaded_app)

    config.load = load


# --- SQLAlchemy engine events ----------------------------------------------------------------


def _hook_sqlalchemy(module: Any) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def before(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        _in_engine.active = True
        if context is not None:
            context._preflight_t0 = time.perf_counter()

    def after(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        _in_engine.active = False
        start = getattr(context, "_preflight_t0", None) or time.perf_counter()
        _write(statement, params, (time.perf_counter() - start) * 1000, many)

    def failed(context: Any) -> None:
        _in_engine.active = False

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    event.listen(Engine, "handle_error", failed)


# --- DB-API wrappers, for services without SQLAlchemy ----------------------------------------


def _timed(run: Any, sql: str, params: Any, many: bool) -> Any:
    if getattr(_in_engine, "active", False):
        return run()
    start = time.perf_counter()
    try:
        return run()
    finally:
        _write(sql, params, (time.perf_counter() - start) * 1000, many)


def _hook_sqlite3(module: Any) -> None:
    class Cursor(module.Cursor):
        def execute(self, sql: str, params: Any = ()) -> Any:
            if getattr(_in_engine, "active", False):  # SQLAlchemy records it: the fast way through
                return super().execute(sql, params)
            return _timed(lambda: super(Cursor, self).execute(sql, params), sql, params, False)

        def executemany(self, sql: str, seq: Any) -> Any:
            rows = list(seq)
            return _timed(lambda: super(Cursor, self).executemany(sql, rows), sql, rows, True)

    class Connection(module.Connection):
        def cursor(self, factory: Any = Cursor) -> Any:
            return super().cursor(factory)

        def execute(self, sql: str, params: Any = ()) -> Any:
            return self.cursor().execute(sql, params)

        def executemany(self, sql: str, seq: Any) -> Any:
            return self.cursor().executemany(sql, seq)

    original = module.connect

    def connect(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("factory", Connection)
        return original(*args, **kwargs)

    module.connect = connect


def _hook_psycopg(module: Any) -> None:
    class Cursor(module.Cursor):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            if getattr(_in_engine, "active", False):  # SQLAlchemy records it: the fast way through
                return super().execute(query, params, **kwargs)
            sql = query if isinstance(query, str) else repr(query)
            return _timed(
                lambda: super(Cursor, self).execute(query, params, **kwargs), sql, params, False
            )

        def executemany(self, query: Any, seq: Any, **kwargs: Any) -> Any:
            rows = list(seq)
            sql = query if isinstance(query, str) else repr(query)
            return _timed(
                lambda: super(Cursor, self).executemany(query, rows, **kwargs), sql, rows, True
            )

    original = module.Connection.connect.__func__

    def connect(cls: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cursor_factory", Cursor)
        return original(cls, *args, **kwargs)

    module.Connection.connect = classmethod(connect)
    module.connect = module.Connection.connect


# --- post-import hooks -----------------------------------------------------------------------


class _HookedLoader(importlib.abc.Loader):
    def __init__(self, inner: Any, hook: Any) -> None:
        self.inner = inner
        self.hook = hook

    def create_module(self, spec: Any) -> Any:
        return self.inner.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self.inner.exec_module(module)
        try:
            self.hook(module)
        except Exception as exc:  # a hook must never break the import
            sys.stderr.write(f"preflight capture: could not hook {module.__name__} ({exc!r})\n")


class _PostImportFinder(importlib.abc.MetaPathFinder):
    def __init__(self, hooks: dict[str, Any]) -> None:
        self.hooks = hooks
        self.busy: set[str] = set()

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        hook = self.hooks.get(name)
        if hook is None or name in self.busy:
            return None
        self.busy.add(name)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            self.busy.discard(name)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _HookedLoader(spec.loader, hook)
        return spec


def install(path: str) -> None:
    """Open the capture file and arm the hooks."""
    global _fd
    _fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    atexit.register(flush)
    hooks = {
        "uvicorn.config": _hook_uvicorn,
        "sqlalchemy": _hook_sqlalchemy,
        "sqlite3": _hook_sqlite3,
        "psycopg": _hook_psycopg,
    }
    for name, hook in list(hooks.items()):
        if name in sys.modules:
            hook(sys.modules[name])
            del hooks[name]
    sys.meta_path.insert(0, _PostImportFinder(hooks))
