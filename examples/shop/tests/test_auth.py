import time

from shop.security import create_token, decode_token, hash_password, verify_password

from .conftest import PASSWORD, signup_and_login


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_signup_returns_user(client):
    r = client.post(
        "/auth/signup", json={"email": "Bob@Example.com", "password": PASSWORD, "name": "Bob"}
    )
    assert r.status_code == 201
    body = r.json()
    assert body["email"] == "bob@example.com"
    assert body["name"] == "Bob"
    assert isinstance(body["id"], int)
    assert "password" not in str(body)
    assert "password_hash" not in body


def test_signup_duplicate_email_conflicts(client):
    payload = {"email": "dup@example.com", "password": PASSWORD, "name": "Dup"}
    assert client.post("/auth/signup", json=payload).status_code == 201
    r = client.post("/auth/signup", json={**payload, "email": "DUP@example.com"})
    assert r.status_code == 409
    assert r.json() == {"detail": "email already registered"}


def test_signup_validation(client):
    short = {"email": "a@example.com", "password": "short", "name": "A"}
    assert client.post("/auth/signup", json=short).status_code == 422
    bad_email = {"email": "not-an-email", "password": PASSWORD, "name": "A"}
    assert client.post("/auth/signup", json=bad_email).status_code == 422
    blank_name = {"email": "a@example.com", "password": PASSWORD, "name": "   "}
    assert client.post("/auth/signup", json=blank_name).status_code == 422
    assert client.post("/auth/signup", json={}).status_code == 422


def test_login_and_me(client):
    headers = signup_and_login(client, "carol@example.com", "Carol")
    r = client.get("/me", headers=headers)
    assert r.status_code == 200
    assert r.json()["email"] == "carol@example.com"
    assert r.json()["name"] == "Carol"
    assert r.headers["cache-control"] == "private, no-store"


def test_login_token_shape(client):
    signup_and_login(client, "dave@example.com")
    r = client.post("/auth/login", json={"email": "DAVE@example.com", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer"
    assert set(body) == {"token", "token_type"}


def test_bad_login(client):
    signup_and_login(client, "erin@example.com")
    r = client.post("/auth/login", json={"email": "erin@example.com", "password": "wrong-pass"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    r = client.post("/auth/login", json={"email": "nobody@example.com", "password": PASSWORD})
    assert r.status_code == 401


def test_protected_routes_require_valid_token(client):
    for method, path in [("get", "/me"), ("get", "/cart"), ("post", "/orders"), ("get", "/orders")]:
        r = client.request(method.upper(), path)
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"] == "Bearer"
    headers = signup_and_login(client, "frank@example.com")
    tampered = headers["Authorization"][:-2] + (
        "AA" if not headers["Authorization"].endswith("AA") else "BB"
    )
    r = client.get("/me", headers={"Authorization": tampered})
    assert r.status_code == 401
    r = client.get("/me", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert r.status_code == 401
    forged = create_token(1, "some-other-key", 60)
    assert client.get("/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_security_primitives():
    stored = hash_password("s3cret-pass")
    assert stored != hash_password("s3cret-pass")  # salted
    assert verify_password("s3cret-pass", stored)
    assert not verify_password("other-pass", stored)
    assert not verify_password("x", "garbage")
    token = create_token(42, "k", 60)
    assert decode_token(token, "k") == 42
    assert decode_token(token, "other") is None
    assert decode_token("not.a.token", "k") is None
    assert decode_token("", "k") is None
    expired = create_token(42, "k", -1)
    time.sleep(0.01)
    assert decode_token(expired, "k") is None
