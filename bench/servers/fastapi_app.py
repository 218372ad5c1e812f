"""The bench's FastAPI app: the same routes as node-server.mjs, for one-worker uvicorn.

Run: examples/shop/.venv/bin/uvicorn fastapi_app:app --app-dir bench/servers --port 0
(uvicorn's default loop and HTTP parser: uvloop/httptools when installed, else asyncio/h11).
The /sleep20 handler time is measured by a pure ASGI middleware from the moment the request
reaches the app to the moment the last body chunk is handed to the server.
"""

import asyncio
import math
import time

from fastapi import FastAPI, Header, HTTPException, Response
from pydantic import BaseModel

TOKEN = "bench-token"
items: dict[int, dict] = {}
next_id = 1
sleep_times_ns: list[int] = []

api = FastAPI()


class Login(BaseModel):
    username: str
    password: str | None = None


class NewItem(BaseModel):
    name: str


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    index = min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))
    return values[index]


@api.get("/")
@api.get("/healthz")
async def healthz() -> dict:
    return {"ok": True}


@api.post("/login")
async def login(body: Login) -> dict:
    return {"token": TOKEN}


@api.get("/items")
async def list_items() -> list[dict]:
    return list(items.values())


@api.post("/items", status_code=201)
async def create_item(body: NewItem) -> dict:
    global next_id
    item = {"id": next_id, "name": body.name}
    items[next_id] = item
    next_id += 1
    return item


@api.get("/items/{item_id}")
async def read_item(item_id: int) -> dict:
    if item_id not in items:
        raise HTTPException(404, "not found")
    return items[item_id]


@api.delete("/items/{item_id}", status_code=204)
async def delete_item(item_id: int, authorization: str | None = Header(None)) -> Response:
    if authorization != f"Bearer {TOKEN}":
        raise HTTPException(401, "token required")
    if items.pop(item_id, None) is None:
        raise HTTPException(404, "not found")
    return Response(status_code=204)


@api.get("/sleep20")
async def sleep20() -> dict:
    await asyncio.sleep(0.02)
    return {"slept_ms": 20}


@api.get("/stats")
async def stats() -> dict:
    ms = sorted(ns / 1e6 for ns in sleep_times_ns)
    return {"count": len(ms), "p50_ms": percentile(ms, 50), "p99_ms": percentile(ms, 99)}


@api.post("/stats/reset")
async def reset_stats() -> dict:
    sleep_times_ns.clear()
    return {"ok": True}


async def app(scope, receive, send):
    """Times /sleep20 from arrival at the app to the last body chunk, then delegates."""
    if scope["type"] != "http" or scope["path"] != "/sleep20":
        await api(scope, receive, send)
        return
    start = time.perf_counter_ns()

    async def timed_send(message):
        await send(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            sleep_times_ns.append(time.perf_counter_ns() - start)

    await api(scope, receive, timed_send)
