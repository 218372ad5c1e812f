from sqlalchemy import inspect, text

from shop.db import make_engine
from shop.migrate import migrate, split_statements


def test_fresh_database_gets_the_models_and_records_every_file(tmp_path):
    (tmp_path / "0001_add_gift.sql").write_text("ALTER TABLE orders ADD COLUMN gift VARCHAR(20);")
    engine = make_engine(f"sqlite:///{tmp_path}/shop.db")
    assert migrate(engine, sorted(tmp_path.glob("*.sql"))) == []
    assert "gift" not in {c["name"] for c in inspect(engine).get_columns("orders")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version FROM schema_migrations")).scalars().all() == [
            "0001_add_gift.sql"
        ]


def test_existing_database_gets_pending_files_once_in_order(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/shop.db")
    migrate(engine, [])
    (tmp_path / "0001_add_gift.sql").write_text(
        "-- expand: a nullable column\nALTER TABLE orders ADD COLUMN gift VARCHAR(20);\n"
    )
    (tmp_path / "0002_fill_gift.sql").write_text("UPDATE orders SET gift = 'no';")
    files = sorted(tmp_path.glob("*.sql"))
    assert migrate(engine, files) == ["0001_add_gift.sql", "0002_fill_gift.sql"]
    assert migrate(engine, files) == []
    assert "gift" in {c["name"] for c in inspect(engine).get_columns("orders")}


def test_split_statements_drops_comments():
    assert split_statements("-- c\nSELECT 1;\n\nSELECT 2;") == ["SELECT 1", "SELECT 2"]
