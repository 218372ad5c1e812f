from fastapi import APIRouter, Response, status
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..bounds import IdPath
from ..deps import AUTH_RESPONSES, PRIVATE_CACHE, CurrentUser, DbSession, conflict, not_found
from ..models import CartItem, Product
from ..schemas import CartItemIn, CartLineOut, CartOut, ErrorOut

router = APIRouter(tags=["cart"], responses=AUTH_RESPONSES)


def load_cart(db: Session, user_id: int) -> list[CartItem]:
    return list(
        db.scalars(select(CartItem).where(CartItem.user_id == user_id).order_by(CartItem.id)).all()
    )


def cart_out(items: list[CartItem]) -> CartOut:
    lines = [
        CartLineOut(
            product_id=ci.product_id,
            name=ci.product.name,
            quantity=ci.quantity,
            unit_price_cents=ci.product.price_cents,
            line_total_cents=ci.quantity * ci.product.price_cents,
        )
        for ci in items
    ]
    return CartOut(items=lines, total_cents=sum(line.line_total_cents for line in lines))


@router.get("/cart", response_model=CartOut)
def get_cart(user: CurrentUser, db: DbSession) -> CartOut:
    return cart_out(load_cart(db, user.id))


@router.post(
    "/cart/items",
    status_code=status.HTTP_201_CREATED,
    response_model=CartOut,
    responses={
        404: {"model": ErrorOut, "description": "Unknown product"},
        409: {"model": ErrorOut, "description": "Not enough stock"},
    },
)
def add_cart_item(body: CartItemIn, user: CurrentUser, db: DbSession) -> CartOut:
    product = db.get(Product, body.product_id)
    if product is None:
        raise not_found("product")
    item = db.scalar(
        select(CartItem).where(CartItem.user_id == user.id, CartItem.product_id == product.id)
    )
    quantity = (item.quantity if item else 0) + body.quantity
    if quantity > product.stock:
        raise conflict("insufficient stock")
    if item is None:
        db.add(CartItem(user_id=user.id, product_id=product.id, quantity=quantity))
    else:
        item.quantity = quantity
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise conflict("cart was modified concurrently, retry") from None
    return cart_out(load_cart(db, user.id))


@router.delete(
    "/cart/items/{product_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
def remove_cart_item(product_id: IdPath, user: CurrentUser, db: DbSession) -> Response:
    db.execute(
        delete(CartItem).where(CartItem.user_id == user.id, CartItem.product_id == product_id)
    )
    db.commit()
    return Response(
        status_code=status.HTTP_204_NO_CONTENT, headers={"Cache-Control": PRIVATE_CACHE}
    )
