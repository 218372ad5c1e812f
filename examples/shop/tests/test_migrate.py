from pathlib import Path

from sqlalchemy import inspect

from shop.db import Base, make_engine
from shop.migrate import alembic_config, current_revisions, migrate

REVISION = '''"""add orders.gift"""
from alembic import op
import sqlalchemy as sa

revision = "0099"
down_revision = "0002"


def upgrade():
    op.add_column("orders", sa.Column("gift", sa.String(20), nullable=True))


def downgrade():
    op.drop_column("orders", "gift")
'''


def index_names(engine, table):
    return {i["name"] for i in inspect(engine).get_indexes(table)}


def test_fresh_database_runs_every_revision(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/shop.db")
    assert migrate(engine) == ["0001", "0002"]
    assert current_revisions(engine) == {"0002"}
    assert "ix_orders_user_id_created_at" in index_names(engine, "orders")
    assert migrate(engine) == []


def test_database_made_before_alembic_is_stamped_at_the_baseline(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/shop.db")
    Base.metadata.create_all(engine)  # what the app does at start-up: already has the index
    assert migrate(engine) == ["0002"]
    assert current_revisions(engine) == {"0002"}


def test_a_new_revision_runs_once(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/shop.db")
    migrate(engine)
    versions = tmp_path / "versions"
    versions.mkdir()
    for path in (Path(__file__).parent.parent / "migrations" / "versions").glob("*.py"):
        (versions / path.name).write_text(path.read_text())
    (versions / "0099_gift.py").write_text(REVISION)
    config = alembic_config(engine)
    config.set_main_option("version_locations", str(versions))
    assert migrate(engine, config) == ["0099"]
    assert migrate(engine, config) == []
    assert "gift" in {c["name"] for c in inspect(engine).get_columns("orders")}


def test_every_revision_downgrades_to_base(tmp_path):
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path}/shop.db")
    migrate(engine)
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
