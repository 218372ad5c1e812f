"""Small built-in catalogue inserted at startup when the products table is empty."""

import logging

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError

from .db import utcnow
from .models import Product

log = logging.getLogger("shop.startup")

DEMO_STOCK = 1000

_CATALOGUE: dict[str, list[tuple[str, str, int]]] = {
    "books": [
        ("The Pragmatic Gardener", "Essays on growing things slowly.", 1899),
        ("Rust in Practice", "Systems programming without fear.", 4250),
        ("A Short History of Maps", "From clay tablets to satellites.", 2400),
        ("Cooking for Engineers", "Recipes as reproducible builds.", 2999),
        ("The Quiet Ocean", "A novel.", 1450),
        ("Distributed Systems Notes", "Consensus, clocks and failure.", 5500),
        ("Field Guide to Birds", "Over 400 species, illustrated.", 3125),
        ("Poems for Mondays", "Short verse for long weeks.", 999),
        ("Learning SQL the Hard Way", "Joins until they hurt less.", 3700),
        ("The Lighthouse Keeper", "A mystery on a small island.", 1699),
    ],
    "games": [
        ("Tile Kingdom", "Build a medieval city, one tile at a time.", 3999),
        ("Star Freighter", "Cooperative space trading for 2-5 players.", 5999),
        ("Pocket Chess Set", "Magnetic travel chess.", 1999),
        ("Word Rush", "Fast-paced party word game.", 1499),
        ("Dungeon Delve", "Dice-driven dungeon crawler.", 4499),
        ("Forest Friends", "Gentle card game for kids.", 1299),
        ("Railway Empire", "Connect cities, run trains, get rich.", 6499),
        ("Puzzle Cube 4x4", "A harder twist on a classic.", 2199),
        ("Deduction Club", "Logic game of hidden clues.", 2799),
        ("Ocean Race", "Sailing race with weather cards.", 3499),
    ],
    "tools": [
        ("Cordless Drill 18V", "Two batteries, 50 bits included.", 8999),
        ("Claw Hammer", "16 oz, fibreglass handle.", 1599),
        ("Precision Screwdriver Kit", "32 bits for electronics repair.", 2499),
        ("Tape Measure 8m", "Locking, belt clip.", 1199),
        ("Spirit Level 60cm", "Aluminium, three vials.", 1899),
        ("Adjustable Wrench", "250 mm, chrome vanadium.", 1399),
        ("Utility Knife", "Retractable, with 10 blades.", 799),
        ("Workbench Clamp Pair", "Quick-release bar clamps.", 2699),
        ("Soldering Station", "Temperature controlled, 60W.", 6999),
        ("Safety Glasses", "Anti-fog, scratch resistant.", 599),
    ],
}


def demo_rows() -> list[dict]:
    now = utcnow()
    rows = []
    for category, items in _CATALOGUE.items():
        for i, (name, description, price) in enumerate(items, start=1):
            rows.append(
                {
                    "sku": f"{category[:4].upper()}-{i:04d}",
                    "name": name,
                    "description": description,
                    "category": category,
                    "price_cents": price,
                    "stock": DEMO_STOCK,
                    "created_at": now,
                }
            )
    return rows


def ensure_demo_products(engine: Engine) -> int:
    """Insert the demo catalogue if there are no products at all. Returns rows inserted."""
    with engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(Product)):
            return 0
        rows = demo_rows()
        try:
            conn.execute(insert(Product), rows)
            conn.commit()
        except IntegrityError:
            # Another worker seeded concurrently.
            conn.rollback()
            return 0
    log.info("inserted %d demo products", len(rows))
    return len(rows)
