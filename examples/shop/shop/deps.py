"""Shared FastAPI dependencies."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from .config import Settings
from .db import get_db
from .models import User
from .schemas import ErrorOut
from .security import decode_token

PUBLIC_CACHE = "public, max-age=60"
PRIVATE_CACHE = "private, no-store"

_bearer = HTTPBearer(auto_error=False, description="Token from POST /auth/login")

DbSession = Annotated[Session, Depends(get_db)]


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer", "Cache-Control": PRIVATE_CACHE},
    )


def current_user(
    response: Response,
    db: DbSession,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """Authenticate the bearer token; also marks the response as private."""
    response.headers["Cache-Control"] = PRIVATE_CACHE
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("not authenticated")
    user_id = decode_token(credentials.credentials, settings.secret_key)
    if user_id is None:
        raise _unauthorized("invalid or expired token")
    user = db.get(User, user_id)
    if user is None:
        raise _unauthorized("invalid or expired token")
    return user


CurrentUser = Annotated[User, Depends(current_user)]

AUTH_RESPONSES: dict[int | str, dict] = {
    401: {"model": ErrorOut, "description": "Not authenticated"}
}


def not_found(what: str) -> HTTPException:
    return HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail=f"{what} not found")


def conflict(detail: str) -> HTTPException:
    return HTTPException(status_code=status.HTTP_409_CONFLICT, detail=detail)
