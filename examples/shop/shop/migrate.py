"""Database migrations: `python -m shop.migrate` (run by deploy/deploy.sh before the switch).

New tables come from the models (`create_all`, which never alters an existing table); column
changes come from the SQL files in `shop/migrations/`, applied once each, in name order, and
recorded in the `schema_migrations` table. A fresh database gets the whole schema from the
models, so every file is recorded as applied without running it.

There are no down-migrations: a rollback switches the code back and keeps the schema, so a
migration must leave the previous release working (expand now, contract in a later release).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from . import models  # noqa: F401  (registers the tables on Base.metadata)
from .config import load_settings
from .db import Base, make_engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
TABLE = "schema_migrations"


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[Path]:
    """The SQL files, in the order they apply."""
    return sorted(directory.glob("*.sql"))


def split_statements(sql: str) -> list[str]:
    """Statements of a migration file: separated by `;`, comment lines dropped."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _applied(conn: Connection) -> set[str]:
    return {row[0] for row in conn.execute(text(f"SELECT version FROM {TABLE}"))}


def _record(conn: Connection, version: str) -> None:
    conn.execute(
        text(f"INSERT INTO {TABLE} (version, applied_at) VALUES (:v, :t)"),
        {"v": version, "t": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
    )


def migrate(engine: Engine, files: list[Path] | None = None) -> list[str]:
    """Bring the database up to date; returns the versions applied now."""
    files = migration_files() if files is None else files
    fresh = not inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {TABLE} "
                "(version VARCHAR(200) PRIMARY KEY, applied_at VARCHAR(40))"
            )
        )
    Base.metadata.create_all(engine)
    applied_now: list[str] = []
    with engine.begin() as conn:
        done = _applied(conn)
        if fresh:
            # The models already are the latest schema: nothing to run, only to record.
            for path in files:
                _record(conn, path.name)
            return []
    for path in files:
        if path.name in done:
            continue
        with engine.begin() as conn:
            for statement in split_statements(path.read_text(encoding="utf-8")):
                conn.exec_driver_sql(statement)
            _record(conn, path.name)
        applied_now.append(path.name)
    return applied_now


def main() -> int:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    started = time.perf_counter()
    try:
        applied = migrate(engine)
    except Exception as exc:  # reported; the non-zero exit stops the deploy
        print(f"migrate: failed: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    ms = round((time.perf_counter() - started) * 1000)
    for version in applied:
        print(f"migrate: applied {version}")
    total = len(migration_files())
    print(f"migrate: up to date ({total} migration files, {len(applied)} applied now, {ms} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
