"""SHOP_SCENARIO: deliberate database mistakes that preflight's `database` check must find.

- unset / `clean`: the normal service.
- `missing-index`: checkout looks for an earlier order with the same note (a client
  reference) on `orders.note`, which has no index: a sequential scan of the orders table.
- `n-plus-one`: the product list lazy-loads each product's order lines in a loop: one
  SELECT per product listed.
"""

import os

SCENARIOS = ("clean", "missing-index", "n-plus-one")


def scenario() -> str:
    value = os.environ.get("SHOP_SCENARIO", "").strip() or "clean"
    if value not in SCENARIOS:
        raise ValueError(f"SHOP_SCENARIO must be one of {', '.join(SCENARIOS)}, got {value!r}")
    return value
