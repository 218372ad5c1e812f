from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from shop.config import load_settings
from shop.main import create_app

PASSWORD = "correct-horse-1"

ClientFactory = Callable[..., TestClient]


@pytest.fixture
def make_client(tmp_path) -> Iterator[ClientFactory]:
    """Build a TestClient on a fresh SQLite file; extra env vars via kwargs."""
    clients: list[TestClient] = []

    def factory(**env: str) -> TestClient:
        base = {
            "DATABASE_URL": f"sqlite:///{tmp_path}/shop-{len(clients)}.db",
            "SHOP_SECRET_KEY": "test-secret-key",
        }
        app = create_app(load_settings({**base, **env}))
        client = TestClient(app)
        client.__enter__()  # runs the lifespan: create tables + demo products
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    return make_client()


def signup_and_login(client: TestClient, email: str, name: str = "Test User") -> dict[str, str]:
    r = client.post("/auth/signup", json={"email": email, "password": PASSWORD, "name": name})
    assert r.status_code == 201, r.text
    r = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


@pytest.fixture
def auth(client: TestClient) -> dict[str, str]:
    return signup_and_login(client, "alice@example.com", "Alice")
