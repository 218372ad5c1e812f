"""Password hashing (PBKDF2) and HMAC-signed bearer tokens, stdlib only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time

PBKDF2_ITERATIONS = 50_000
_ALGO = "pbkdf2_sha256"


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def hash_password(password: str, *, iterations: int = PBKDF2_ITERATIONS) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{_ALGO}${iterations}${_b64e(salt)}${_b64e(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        algo, iterations_s, salt_s, digest_s = stored.split("$")
        if algo != _ALGO:
            return False
        iterations = int(iterations_s)
        salt, expected = _b64d(salt_s), _b64d(digest_s)
    except ValueError:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(digest, expected)


# Used to spend the same time on unknown e-mails as on wrong passwords.
DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def _sign(secret_key: str, payload: str) -> str:
    mac = hmac.new(secret_key.encode("utf-8"), payload.encode("ascii"), hashlib.sha256)
    return _b64e(mac.digest())


def create_token(user_id: int, secret_key: str, ttl_seconds: int) -> str:
    body = {"sub": user_id, "exp": int(time.time()) + ttl_seconds}
    payload = _b64e(json.dumps(body, separators=(",", ":")).encode("utf-8"))
    return f"{payload}.{_sign(secret_key, payload)}"


def decode_token(token: str, secret_key: str) -> int | None:
    """Return the user id of a valid, unexpired token, else None."""
    try:
        payload, signature = token.split(".")
        if not hmac.compare_digest(signature, _sign(secret_key, payload)):
            return None
        body = json.loads(_b64d(payload))
        user_id, exp = body["sub"], body["exp"]
    except (ValueError, KeyError, TypeError, UnicodeError):
        return None
    if not isinstance(user_id, int) or not isinstance(exp, int) or exp < time.time():
        return None
    return user_id
