"""Alembic environment: the database is DATABASE_URL (as for the app), else sqlalchemy.url."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from shop import models  # noqa: F401  (registers the tables on Base.metadata)
from shop.config import load_settings, normalize_database_url
from shop.db import Base, make_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    """An explicit sqlalchemy.url (tests, shop.migrate) wins; else the app's settings."""
    url = config.get_main_option("sqlalchemy.url")
    return normalize_database_url(url) if url else load_settings().database_url


def configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things in place: batch mode copies the table.
        render_as_batch=database_url().startswith("sqlite"),
        **kwargs,
    )


def run_migrations_offline() -> None:
    """`alembic upgrade A:B --sql`: print the SQL, no connection needed."""
    configure(url=database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_with(connection: Connection) -> None:
    configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # shop.migrate hands over its own connection
        run_with(connection)
        return
    engine = make_engine(database_url())
    try:
        with engine.connect() as conn:
            run_with(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
