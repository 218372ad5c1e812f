"""Pydantic request/response models (these drive /openapi.json)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from .bounds import DB_INT_MAX

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _as_utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


class ORMModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorOut(BaseModel):
    detail: str


class HealthOut(BaseModel):
    status: Literal["ok", "unavailable"]


# --- auth -------------------------------------------------------------------


class SignupIn(BaseModel):
    email: str = Field(min_length=3, max_length=320, examples=["ada@example.com"])
    password: str = Field(min_length=8, max_length=128)
    name: str = Field(min_length=1, max_length=100)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        value = value.strip().lower()
        if not _EMAIL_RE.match(value):
            raise ValueError("not a valid email address")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("name must not be blank")
        return value


class LoginIn(BaseModel):
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=128)


class TokenOut(BaseModel):
    token: str
    token_type: Literal["bearer"] = "bearer"


class UserOut(ORMModel):
    id: int
    email: str
    name: str
    created_at: UtcDatetime


# --- products ---------------------------------------------------------------


class ProductOut(ORMModel):
    id: int
    sku: str
    name: str
    description: str
    category: str
    price_cents: int
    stock: int
    created_at: UtcDatetime


class ProductPage(BaseModel):
    items: list[ProductOut]
    total: int
    limit: int
    offset: int


# --- cart -------------------------------------------------------------------


class CartItemIn(BaseModel):
    product_id: int = Field(ge=1, le=DB_INT_MAX)
    quantity: int = Field(default=1, ge=1, le=1000)


class CartLineOut(BaseModel):
    product_id: int
    name: str
    quantity: int
    unit_price_cents: int
    line_total_cents: int


class CartOut(BaseModel):
    items: list[CartLineOut]
    total_cents: int


# --- orders -----------------------------------------------------------------


class CheckoutIn(BaseModel):
    note: str | None = Field(default=None, max_length=500)


class OrderItemOut(BaseModel):
    product_id: int
    name: str
    quantity: int
    unit_price_cents: int
    line_total_cents: int


class OrderOut(BaseModel):
    id: int
    status: str
    total_cents: int
    note: str | None
    created_at: UtcDatetime
    items: list[OrderItemOut]


class OrderPage(BaseModel):
    items: list[OrderOut]
    total: int
    limit: int
    offset: int


# --- support ----------------------------------------------------------------


class TicketIn(BaseModel):
    subject: str = Field(min_length=1, max_length=200)
    message: str = Field(min_length=1, max_length=5000)


class TicketOut(ORMModel):
    id: int
    subject: str
    message: str
    created_at: UtcDatetime
