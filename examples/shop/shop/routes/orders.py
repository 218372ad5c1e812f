from typing import Annotated

from fastapi import APIRouter, Body, Query, status
from sqlalchemy import func, select, update

from ..bounds import IdPath, OffsetQuery
from ..deps import AUTH_RESPONSES, CurrentUser, DbSession, conflict, not_found
from ..models import Order, OrderItem, Product
from ..scenario import scenario
from ..schemas import CheckoutIn, ErrorOut, OrderItemOut, OrderOut, OrderPage
from .cart import load_cart

router = APIRouter(tags=["orders"], responses=AUTH_RESPONSES)


def order_out(order: Order) -> OrderOut:
    return OrderOut(
        id=order.id,
        status=order.status,
        total_cents=order.total_cents,
        note=order.note,
        created_at=order.created_at,
        items=[
            OrderItemOut(
                product_id=it.product_id,
                name=it.product.name,
                quantity=it.quantity,
                unit_price_cents=it.unit_price_cents,
                line_total_cents=it.quantity * it.unit_price_cents,
            )
            for it in order.items
        ],
    )


@router.post(
    "/orders",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderOut,
    responses={409: {"model": ErrorOut, "description": "Cart empty or not enough stock"}},
)
def checkout(
    user: CurrentUser,
    db: DbSession,
    body: Annotated[CheckoutIn | None, Body()] = None,
) -> OrderOut:
    cart = load_cart(db, user.id)
    if not cart:
        raise conflict("cart is empty")
    if scenario() == "missing-index" and body and body.note:
        # The deliberate missing index: orders.note is not indexed, so this scans every order.
        db.scalar(select(Order.id).where(Order.note == body.note, Order.status == "paid").limit(1))
    order = Order(user_id=user.id, status="paid", total_cents=0, note=body.note if body else None)
    db.add(order)
    db.flush()
    total = 0
    for ci in cart:
        # Conditional decrement: safe against concurrent checkouts of the same product.
        result = db.execute(
            update(Product)
            .where(Product.id == ci.product_id, Product.stock >= ci.quantity)
            .values(stock=Product.stock - ci.quantity)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            db.rollback()
            raise conflict(f"insufficient stock for product {ci.product_id}")
        price = ci.product.price_cents
        total += price * ci.quantity
        db.add(
            OrderItem(
                order_id=order.id,
                product_id=ci.product_id,
                quantity=ci.quantity,
                unit_price_cents=price,
            )
        )
    order.total_cents = total
    for ci in cart:
        db.delete(ci)
    db.commit()
    db.expire_all()
    fresh = db.get(Order, order.id)
    assert fresh is not None
    return order_out(fresh)


@router.get("/orders", response_model=OrderPage)
def list_orders(
    user: CurrentUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: OffsetQuery = 0,
) -> OrderPage:
    total = db.scalar(select(func.count()).select_from(Order).where(Order.user_id == user.id))
    orders = db.scalars(
        select(Order)
        .where(Order.user_id == user.id)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return OrderPage(
        items=[order_out(o) for o in orders], total=total or 0, limit=limit, offset=offset
    )


@router.get(
    "/orders/{order_id}",
    response_model=OrderOut,
    responses={404: {"model": ErrorOut, "description": "No such order (or not yours)"}},
)
def get_order(order_id: IdPath, user: CurrentUser, db: DbSession) -> OrderOut:
    order = db.get(Order, order_id)
    if order is None or order.user_id != user.id:
        raise not_found("order")
    return order_out(order)
