import time
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from sqlalchemy import func, or_, select

from ..bounds import DB_INT_MAX, IdPath, OffsetQuery
from ..deps import PUBLIC_CACHE, DbSession, SettingsDep, not_found
from ..models import Product
from ..scenario import scenario
from ..schemas import ErrorOut, ProductOut, ProductPage

router = APIRouter(tags=["products"])

_SORTS = {
    "price": (Product.price_cents.asc(), Product.id.asc()),
    "-price": (Product.price_cents.desc(), Product.id.asc()),
    "name": (Product.name.asc(), Product.id.asc()),
}


def _like_pattern(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@router.get("/products", response_model=ProductPage)
def list_products(
    db: DbSession,
    response: Response,
    category: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Search name/description")] = None,
    min_price: Annotated[
        int | None, Query(ge=0, le=DB_INT_MAX, description="Minimum price in cents")
    ] = None,
    max_price: Annotated[
        int | None, Query(ge=0, le=DB_INT_MAX, description="Maximum price in cents")
    ] = None,
    sort: Annotated[Literal["price", "-price", "name"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: OffsetQuery = 0,
) -> ProductPage:
    response.headers["Cache-Control"] = PUBLIC_CACHE
    conditions = []
    if category:
        conditions.append(Product.category == category)
    if q:
        pattern = _like_pattern(q)
        conditions.append(
            or_(
                Product.name.ilike(pattern, escape="\\"),
                Product.description.ilike(pattern, escape="\\"),
            )
        )
    if min_price is not None:
        conditions.append(Product.price_cents >= min_price)
    if max_price is not None:
        conditions.append(Product.price_cents <= max_price)

    total = db.scalar(select(func.count()).select_from(Product).where(*conditions)) or 0
    order_by = _SORTS[sort] if sort else (Product.id.asc(),)
    rows = db.scalars(
        select(Product).where(*conditions).order_by(*order_by).limit(limit).offset(offset)
    ).all()
    if scenario() == "n-plus-one":
        # The deliberate N+1: each access to the lazy relationship is one more SELECT.
        for product in rows:
            _ = sum(line.quantity for line in product.order_lines)
    return ProductPage(
        items=[ProductOut.model_validate(p) for p in rows], total=total, limit=limit, offset=offset
    )


@router.get(
    "/products/{product_id}",
    response_model=ProductOut,
    responses={404: {"model": ErrorOut, "description": "Unknown product"}},
)
def get_product(
    product_id: IdPath, db: DbSession, settings: SettingsDep, response: Response
) -> Product:
    if settings.slow_ms > 0:
        # Deliberate latency switch (SHOP_SLOW_MS) used to exercise latency gates.
        time.sleep(settings.slow_ms / 1000)
    if settings.slow_cpu_ms > 0:
        # Deliberate CPU switch (SHOP_SLOW_CPU_MS): busy work that holds the GIL, so every
        # other request of this one-worker service waits too (contention across paths).
        deadline = time.perf_counter() + settings.slow_cpu_ms / 1000
        while time.perf_counter() < deadline:
            pass
    product = db.get(Product, product_id)
    if product is None:
        raise not_found("product")
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return product
