#!/usr/bin/env python3
"""Fill the shop database with realistic volumes, fast.

    python scripts/seed.py                       # 10k products, 100k orders, 1k users
    python scripts/seed.py --products 50 --orders 0 --users 1   # tiny demo data
    python scripts/seed.py --reset               # drop and recreate all tables first

Counts are *targets*: rows are only added up to the requested totals, so running the
script twice is (nearly) a no-op. Uses DATABASE_URL (same rules as the app).

The demo user is always present: demo@shop.test with password $SHOP_DEMO_PASSWORD
(default "demo-password-1"); it counts as one of --users. Generated users are
userNNNNNN@shop.test and share the password "user-password-1".
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Connection, Table, func, insert, select, text, update  # noqa: E402

from shop.config import load_settings, normalize_database_url  # noqa: E402
from shop.db import Base, make_engine  # noqa: E402
from shop.models import CartItem, Order, OrderItem, Product, SupportTicket, User  # noqa: E402
from shop.security import hash_password  # noqa: E402

DEMO_EMAIL = "demo@shop.test"
DEFAULT_DEMO_PASSWORD = "demo-password-1"
GENERATED_PASSWORD = "user-password-1"
CHUNK = 10_000

CATEGORIES: dict[str, tuple[list[str], list[str]]] = {
    "books": (
        ["Complete", "Illustrated", "Practical", "Hidden", "Modern", "Forgotten", "Little"],
        [
            "Guide to Gardening",
            "History of Rome",
            "Cookbook",
            "Mystery",
            "Atlas",
            "Poems",
            "Handbook of Python",
            "Novel",
            "Field Notes",
            "Biography",
        ],
    ),
    "games": (
        ["Deluxe", "Pocket", "Family", "Strategic", "Cooperative", "Classic", "Epic"],
        [
            "Card Game",
            "Board Game",
            "Puzzle",
            "Dice Set",
            "Trivia Night",
            "Chess Set",
            "Adventure Box",
            "Party Game",
        ],
    ),
    "tools": (
        ["Heavy-Duty", "Compact", "Cordless", "Precision", "Adjustable", "Professional"],
        ["Drill", "Hammer", "Screwdriver Set", "Wrench", "Saw", "Level", "Clamp", "Sander"],
    ),
    "electronics": (
        ["Wireless", "Smart", "Portable", "Noise-Cancelling", "USB-C", "4K", "Mini"],
        [
            "Headphones",
            "Speaker",
            "Charger",
            "Webcam",
            "Keyboard",
            "Mouse",
            "Monitor",
            "Power Bank",
        ],
    ),
    "kitchen": (
        ["Cast-Iron", "Non-Stick", "Stainless", "Ceramic", "Bamboo", "Electric"],
        ["Skillet", "Saucepan", "Knife Set", "Cutting Board", "Kettle", "Blender", "Mixing Bowls"],
    ),
    "garden": (
        ["Organic", "Folding", "Weatherproof", "Ergonomic", "Solar", "Raised"],
        [
            "Planter",
            "Hose",
            "Pruning Shears",
            "Seed Kit",
            "Garden Lights",
            "Wheelbarrow",
            "Compost Bin",
        ],
    ),
}
ORDER_STATUSES = (["paid"] * 5) + (["shipped"] * 3) + (["delivered"] * 10) + ["cancelled"]


def chunks(rows: Sequence[dict], size: int = CHUNK) -> Iterable[Sequence[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        # COPY through psycopg, in the same transaction: several times faster than INSERTs.
        columns = list(rows[0].keys())
        cursor = conn.connection.dbapi_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        return
    for part in chunks(rows):
        conn.execute(insert(table), list(part))


def next_id(conn: Connection, table: Table) -> int:
    return (conn.scalar(select(func.max(table.c.id))) or 0) + 1


def count(conn: Connection, table: Table) -> int:
    return conn.scalar(select(func.count()).select_from(table)) or 0


def ensure_demo_user(conn: Connection, password: str) -> None:
    users = User.__table__
    pw_hash = hash_password(password)
    existing = conn.scalar(select(users.c.id).where(users.c.email == DEMO_EMAIL))
    if existing is None:
        conn.execute(
            insert(users).values(
                email=DEMO_EMAIL,
                name="Demo User",
                password_hash=pw_hash,
                created_at=datetime.now(UTC),
            )
        )
    else:
        conn.execute(update(users).where(users.c.id == existing).values(password_hash=pw_hash))


def seed_users(conn: Connection, target: int, rng: random.Random, now: datetime) -> int:
    users = User.__table__
    missing = target - count(conn, users)
    if missing <= 0:
        return 0
    shared_hash = hash_password(GENERATED_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
    first = next_id(conn, users)
    rows = [
        {
            "id": uid,
            "email": f"user{uid:06d}@shop.test",
            "name": f"User {uid}",
            "password_hash": shared_hash,
            "created_at": now - timedelta(days=rng.uniform(30, 730)),
        }
        for uid in range(first, first + missing)
    ]
    bulk_insert(conn, users, rows)
    return missing


def seed_products(conn: Connection, target: int, rng: random.Random, now: datetime) -> int:
    products = Product.__table__
    missing = target - count(conn, products)
    if missing <= 0:
        return 0
    first = next_id(conn, products)
    names = list(CATEGORIES.items())
    rows = []
    for pid in range(first, first + missing):
        category, (adjectives, nouns) = names[pid % len(names)]
        noun = rng.choice(nouns)
        name = f"{rng.choice(adjectives)} {noun} {rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{pid}"
        rows.append(
            {
                "id": pid,
                "sku": f"SEED-{pid:07d}",
                "name": name,
                "description": f"{name}: a dependable {noun.lower()} from our {category} range.",
                "category": category,
                "price_cents": rng.choice([99, 499, 999, 1499, 1999, 2999, 4999, 9999])
                + rng.randrange(0, 5000, 100),
                "stock": rng.randint(50, 5000),
                "created_at": now - timedelta(days=rng.uniform(0, 1000)),
            }
        )
    bulk_insert(conn, products, rows)
    return missing


def seed_orders(
    conn: Connection, target: int, rng: random.Random, now: datetime
) -> tuple[int, int]:
    orders, order_items = Order.__table__, OrderItem.__table__
    missing = target - count(conn, orders)
    if missing <= 0:
        return 0, 0
    products = Product.__table__
    catalogue = conn.execute(select(products.c.id, products.c.price_cents)).all()
    user_ids = conn.scalars(select(User.__table__.c.id)).all()
    if not catalogue or not user_ids:
        raise SystemExit("seed: orders need at least one product and one user")

    order_id = next_id(conn, orders)
    item_id = next_id(conn, order_items)
    order_rows: list[dict] = []
    item_rows: list[dict] = []
    for _ in range(missing):
        total = 0
        for pid, price in rng.sample(catalogue, k=min(len(catalogue), rng.randint(1, 4))):
            quantity = rng.choice((1, 1, 1, 2, 2, 3))
            total += quantity * price
            item_rows.append(
                {
                    "id": item_id,
                    "order_id": order_id,
                    "product_id": pid,
                    "quantity": quantity,
                    "unit_price_cents": price,
                }
            )
            item_id += 1
        order_rows.append(
            {
                "id": order_id,
                "user_id": rng.choice(user_ids),
                "status": rng.choice(ORDER_STATUSES),
                "total_cents": total,
                "note": None,
                "created_at": now - timedelta(seconds=rng.uniform(0, 365 * 86400)),
            }
        )
        order_id += 1
    bulk_insert(conn, orders, order_rows)
    bulk_insert(conn, order_items, item_rows)
    return len(order_rows), len(item_rows)


def fix_postgres_sequences(conn: Connection) -> None:
    """Explicit ids were inserted: move each serial sequence past the current max id."""
    for table in Base.metadata.sorted_tables:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=10_000, help="target product count")
    parser.add_argument("--orders", type=int, default=100_000, help="target order count")
    parser.add_argument("--users", type=int, default=1_000, help="target user count (incl. demo)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate all tables")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    parser.add_argument("--random-seed", type=int, default=42)
    args = parser.parse_args(argv)
    if min(args.products, args.orders, args.users) < 0:
        parser.error("counts must be >= 0")

    url = normalize_database_url(args.database_url) if args.database_url else None
    url = url or load_settings().database_url
    engine = make_engine(url)
    rng = random.Random(args.random_seed)
    now = datetime.now(UTC)
    started = time.perf_counter()

    if args.reset:
        Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)

    with engine.begin() as conn:
        ensure_demo_user(conn, os.environ.get("SHOP_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD)
        added_users = seed_users(conn, args.users, rng, now)
        added_products = seed_products(conn, args.products, rng, now)
        added_orders, added_items = seed_orders(conn, args.orders, rng, now)
        if engine.dialect.name == "postgresql":
            fix_postgres_sequences(conn)

    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
        totals = {
            t.name: count(conn, t)
            for t in (
                User.__table__,
                Product.__table__,
                Order.__table__,
                OrderItem.__table__,
                CartItem.__table__,
                SupportTicket.__table__,
            )
        }
    engine.dispose()

    elapsed = time.perf_counter() - started
    print(f"seed: database {engine.url.render_as_string(hide_password=True)}")
    print(
        f"seed: added users={added_users} products={added_products} "
        f"orders={added_orders} order_items={added_items}"
    )
    print("seed: totals " + " ".join(f"{k}={v}" for k, v in totals.items()))
    print(f"seed: demo user {DEMO_EMAIL}")
    print(f"seed: elapsed {elapsed:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
