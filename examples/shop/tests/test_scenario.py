"""SHOP_SCENARIO changes how the database is queried, never what the routes answer."""

import pytest
from sqlalchemy import event

from shop.scenario import scenario

from .conftest import ClientFactory, signup_and_login


def count_statements(client, run) -> tuple[object, list[str]]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    engine = client.app.state.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        return run(), seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_n_plus_one_lists_the_same_products_with_one_query_per_product(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client()
    url = "/products?category=books&limit=5&sort=price"
    clean, clean_sql = count_statements(client, lambda: client.get(url).json())
    monkeypatch.setenv("SHOP_SCENARIO", "n-plus-one")
    lazy, lazy_sql = count_statements(client, lambda: client.get(url).json())
    assert lazy == clean
    assert len(lazy_sql) == len(clean_sql) + 5


def test_missing_index_looks_orders_up_by_note(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client()
    headers = signup_and_login(client, "note@shop.test")
    monkeypatch.setenv("SHOP_SCENARIO", "missing-index")
    client.post("/cart/items", json={"product_id": 1, "quantity": 1}, headers=headers)
    res, sql = count_statements(
        client, lambda: client.post("/orders", json={"note": "ref-1"}, headers=headers)
    )
    assert res.status_code == 201
    assert any("orders.note = " in s for s in sql)


def test_unknown_scenario_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_SCENARIO", "typo")
    with pytest.raises(ValueError, match="SHOP_SCENARIO must be one of"):
        scenario()
