"""Settings read from environment variables."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///./shop.db"


def normalize_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg (v3) driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _int_env(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    secret_key_is_ephemeral: bool
    slow_ms: int
    slow_cpu_ms: int
    token_ttl_seconds: int
    log_level: str


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    secret = env.get("SHOP_SECRET_KEY", "")
    ephemeral = not secret
    if ephemeral:
        # No key configured: tokens are only valid for this process.
        secret = secrets.token_urlsafe(32)
    return Settings(
        database_url=normalize_database_url(env.get("DATABASE_URL", "") or DEFAULT_DATABASE_URL),
        secret_key=secret,
        secret_key_is_ephemeral=ephemeral,
        slow_ms=max(0, _int_env(env, "SHOP_SLOW_MS", 0)),
        slow_cpu_ms=max(0, _int_env(env, "SHOP_SLOW_CPU_MS", 0)),
        token_ttl_seconds=max(1, _int_env(env, "SHOP_TOKEN_TTL_SECONDS", 3600)),
        log_level=(env.get("SHOP_LOG_LEVEL", "") or "INFO").upper(),
    )
