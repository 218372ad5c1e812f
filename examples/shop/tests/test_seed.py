import runpy
from pathlib import Path

from fastapi.testclient import TestClient

from shop.config import load_settings
from shop.main import create_app

SEED = Path(__file__).resolve().parent.parent / "scripts" / "seed.py"


def test_seed_tiny_mode_then_demo_login(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path}/seed.db"
    seed = runpy.run_path(str(SEED))["main"]
    monkeypatch.setenv("SHOP_DEMO_PASSWORD", "demo-pass-xyz")
    assert seed(["--database-url", url, "--products", "50", "--orders", "0", "--users", "1"]) == 0
    assert "products=50" in capsys.readouterr().out
    # Second run is a no-op; --reset starts over and can add orders.
    seed(["--database-url", url, "--products", "50", "--orders", "0", "--users", "1"])
    assert "added users=0 products=0 orders=0" in capsys.readouterr().out
    seed(["--database-url", url, "--reset", "--products", "20", "--orders", "30", "--users", "3"])
    out = capsys.readouterr().out
    assert "users=3 products=20 orders=30" in out

    app = create_app(load_settings({"DATABASE_URL": url, "SHOP_SECRET_KEY": "k"}))
    with TestClient(app) as client:
        # Seeded catalogue present, so no built-in demo products were added.
        assert client.get("/products").json()["total"] == 20
        r = client.post(
            "/auth/login", json={"email": "demo@shop.test", "password": "demo-pass-xyz"}
        )
        assert r.status_code == 200
        headers = {"Authorization": f"Bearer {r.json()['token']}"}
        pid = client.get("/products").json()["items"][0]["id"]
        client.post("/cart/items", json={"product_id": pid, "quantity": 1}, headers=headers)
        assert client.post("/orders", headers=headers).status_code == 201
