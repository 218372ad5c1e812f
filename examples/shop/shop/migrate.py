"""Database migrations: `python -m shop.migrate` (run by deploy/deploy.sh before the switch).

The schema's history is Alembic's (alembic.ini, `migrations/versions/`); this runner is
`alembic upgrade head` plus one thing Alembic cannot know: a database made before Alembic
(by the app's `create_all` at start-up, or by the old SQL-file runner) has the baseline's
tables but no `alembic_version`, so it is stamped at the baseline revision first and only
the later revisions run.

A rollback (deploy/rollback.sh) switches the code back and keeps the schema, so a revision
must leave the previous release working (expand now, contract in a later release);
`preflight run --only migrations` lints the new revisions and rehearses their downgrades.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from .config import load_settings
from .db import make_engine

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "0001"


def alembic_config(engine: Engine, ini: Path = ROOT / "alembic.ini") -> Config:
    """The project's Alembic config, pointed at this engine's database."""
    config = Config(str(ini))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["configure_logger"] = False
    return config


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def migrate(engine: Engine, config: Config | None = None) -> list[str]:
    """Bring the database up to date; returns the revisions applied now, in order."""
    config = config or alembic_config(engine)
    script = ScriptDirectory.from_config(config)
    before = current_revisions(engine)
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    if not before and tables:
        # Made before Alembic: it has the baseline's schema (create_all never alters a table).
        command.stamp(config, BASELINE)
        before = {BASELINE}
    command.upgrade(config, "head")
    after = current_revisions(engine)
    if before == after:
        return []
    pending = script.iterate_revisions(tuple(after), tuple(before) or "base")
    return [rev.revision for rev in reversed(list(pending))]


def main() -> int:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    started = time.perf_counter()
    try:
        applied = migrate(engine)
        head = ", ".join(sorted(current_revisions(engine)))
    except Exception as exc:  # reported; the non-zero exit stops the deploy
        print(f"migrate: failed: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    ms = round((time.perf_counter() - started) * 1000)
    for revision in applied:
        print(f"migrate: applied {revision}")
    print(f"migrate: up to date (at {head}, {len(applied)} applied now, {ms} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
