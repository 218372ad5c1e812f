import logging

from .conftest import signup_and_login


def _products(client, n=2):
    return client.get("/products?sort=price").json()["items"][:n]


def test_cart_add_get_remove(client, auth):
    cheap, other = _products(client)
    assert client.get("/cart", headers=auth).json() == {"items": [], "total_cents": 0}

    r = client.post("/cart/items", json={"product_id": cheap["id"], "quantity": 2}, headers=auth)
    assert r.status_code == 201
    assert r.headers["cache-control"] == "private, no-store"
    cart = r.json()
    assert cart["items"] == [
        {
            "product_id": cheap["id"],
            "name": cheap["name"],
            "quantity": 2,
            "unit_price_cents": cheap["price_cents"],
            "line_total_cents": 2 * cheap["price_cents"],
        }
    ]
    # Adding the same product again accumulates.
    client.post("/cart/items", json={"product_id": cheap["id"], "quantity": 1}, headers=auth)
    client.post("/cart/items", json={"product_id": other["id"], "quantity": 1}, headers=auth)
    cart = client.get("/cart", headers=auth).json()
    assert [i["quantity"] for i in cart["items"]] == [3, 1]
    assert cart["total_cents"] == 3 * cheap["price_cents"] + other["price_cents"]

    r = client.delete(f"/cart/items/{cheap['id']}", headers=auth)
    assert r.status_code == 204
    assert r.content == b""
    cart = client.get("/cart", headers=auth).json()
    assert [i["product_id"] for i in cart["items"]] == [other["id"]]


def test_cart_conflicts_and_unknown_product(client, auth):
    product = _products(client, 1)[0]
    r = client.post("/cart/items", json={"product_id": 999999, "quantity": 1}, headers=auth)
    assert r.status_code == 404
    assert r.json() == {"detail": "product not found"}
    ok = {"product_id": product["id"], "quantity": product["stock"]}
    assert client.post("/cart/items", json=ok, headers=auth).status_code == 201
    r = client.post("/cart/items", json={"product_id": product["id"], "quantity": 1}, headers=auth)
    assert r.status_code == 409
    bad = {"product_id": product["id"], "quantity": 0}
    assert client.post("/cart/items", json=bad, headers=auth).status_code == 422


def test_checkout_decrements_stock_and_clears_cart(client, auth):
    a, b = _products(client)
    client.post("/cart/items", json={"product_id": a["id"], "quantity": 3}, headers=auth)
    client.post("/cart/items", json={"product_id": b["id"], "quantity": 1}, headers=auth)

    r = client.post("/orders", headers=auth)
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "paid"
    assert order["total_cents"] == 3 * a["price_cents"] + b["price_cents"]
    assert [(i["product_id"], i["quantity"]) for i in order["items"]] == [
        (a["id"], 3),
        (b["id"], 1),
    ]
    assert order["items"][0]["line_total_cents"] == 3 * a["price_cents"]
    assert order["note"] is None

    assert client.get(f"/products/{a['id']}").json()["stock"] == a["stock"] - 3
    assert client.get(f"/products/{b['id']}").json()["stock"] == b["stock"] - 1
    assert client.get("/cart", headers=auth).json()["items"] == []


def test_checkout_empty_cart(client, auth):
    r = client.post("/orders", headers=auth)
    assert r.status_code == 409
    assert r.json() == {"detail": "cart is empty"}


def test_checkout_with_note_and_stock_race(client, auth):
    product = _products(client, 1)[0]
    other = signup_and_login(client, "bob@example.com", "Bob")
    full = {"product_id": product["id"], "quantity": product["stock"]}
    # Both carts hold the whole stock; only the first checkout can succeed.
    assert client.post("/cart/items", json=full, headers=auth).status_code == 201
    assert client.post("/cart/items", json=full, headers=other).status_code == 201
    r = client.post("/orders", json={"note": "leave at door"}, headers=auth)
    assert r.status_code == 201
    assert r.json()["note"] == "leave at door"
    r = client.post("/orders", headers=other)
    assert r.status_code == 409
    assert "insufficient stock" in r.json()["detail"]
    assert client.get(f"/products/{product['id']}").json()["stock"] == 0
    # The failed checkout left Bob's cart intact.
    assert len(client.get("/cart", headers=other).json()["items"]) == 1


def test_orders_are_private_and_paginated(client, auth):
    product = _products(client, 1)[0]
    order_ids = []
    for _ in range(3):
        client.post("/cart/items", json={"product_id": product["id"], "quantity": 1}, headers=auth)
        order_ids.append(client.post("/orders", headers=auth).json()["id"])

    mine = client.get("/orders", headers=auth).json()
    assert mine["total"] == 3
    assert [o["id"] for o in mine["items"]] == sorted(order_ids, reverse=True)
    page = client.get("/orders?limit=2&offset=2", headers=auth).json()
    assert page["total"] == 3 and len(page["items"]) == 1 and page["limit"] == 2
    assert client.get("/orders?limit=101", headers=auth).status_code == 422

    r = client.get(f"/orders/{order_ids[0]}", headers=auth)
    assert r.status_code == 200 and r.json()["id"] == order_ids[0]

    mallory = signup_and_login(client, "mallory@example.com", "Mallory")
    assert client.get("/orders", headers=mallory).json() == {
        "items": [],
        "total": 0,
        "limit": 20,
        "offset": 0,
    }
    r = client.get(f"/orders/{order_ids[0]}", headers=mallory)
    assert r.status_code == 404
    assert r.json() == {"detail": "order not found"}
    assert client.get("/orders/999999", headers=auth).status_code == 404


def test_support_ticket_echoes_message(client, auth):
    payload = {"subject": "Help", "message": "my api key is sk_live_123 please rotate"}
    r = client.post("/support/tickets", json=payload, headers=auth)
    assert r.status_code == 201
    body = r.json()
    assert body["subject"] == "Help"
    assert body["message"] == payload["message"]
    assert set(body) == {"id", "subject", "message", "created_at"}
    assert client.post("/support/tickets", json=payload).status_code == 401
    assert client.post("/support/tickets", json={"subject": ""}, headers=auth).status_code == 422


def test_access_log_line(client):
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect()
    logger = logging.getLogger("shop.access")
    logger.addHandler(handler)
    try:
        client.get("/products/999999")
    finally:
        logger.removeHandler(handler)
    fields = records[-1].fields  # type: ignore[attr-defined]
    assert fields["method"] == "GET"
    assert fields["path"] == "/products/999999"
    assert fields["status"] == 404
    assert fields["duration_ms"] >= 0
