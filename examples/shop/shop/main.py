"""FastAPI application: `uvicorn shop.main:app`."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError

from . import __version__
from .config import Settings, load_settings
from .db import Base, make_engine, make_sessionmaker
from .demo_data import ensure_demo_products
from .logging_setup import AccessLogMiddleware, configure_logging
from .openapi_doc import document_malformed_body
from .routes import auth, cart, health, orders, products, support

log = logging.getLogger("shop.startup")


def init_db(app: FastAPI) -> None:
    engine = app.state.engine
    try:
        Base.metadata.create_all(engine)
    except SQLAlchemyError:
        # Another worker may have been creating the same tables; try once more.
        Base.metadata.create_all(engine)
    ensure_demo_products(engine)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.secret_key_is_ephemeral:
            log.warning("SHOP_SECRET_KEY is not set: using a random per-process key")
        init_db(app)
        log.info("shop ready (slow_ms=%d)", settings.slow_ms)
        yield
        app.state.engine.dispose()

    app = FastAPI(
        title="Shop",
        version=__version__,
        description="Example e-commerce API used to exercise preflight.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.sessionmaker = make_sessionmaker(app.state.engine)
    app.add_middleware(AccessLogMiddleware)

    for module in (health, auth, products, cart, orders, support):
        app.include_router(module.router)
    document_malformed_body(app)
    return app


app = create_app()
