from fastapi import APIRouter, HTTPException, Response, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..deps import AUTH_RESPONSES, PRIVATE_CACHE, CurrentUser, DbSession, SettingsDep, conflict
from ..models import User
from ..schemas import ErrorOut, LoginIn, SignupIn, TokenOut, UserOut
from ..security import DUMMY_HASH, create_token, hash_password, verify_password

router = APIRouter(tags=["auth"])


@router.post(
    "/auth/signup",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    responses={409: {"model": ErrorOut, "description": "Email already registered"}},
)
def signup(body: SignupIn, db: DbSession, response: Response) -> User:
    response.headers["Cache-Control"] = PRIVATE_CACHE
    if db.scalar(select(User.id).where(User.email == body.email)) is not None:
        raise conflict("email already registered")
    user = User(email=body.email, name=body.name, password_hash=hash_password(body.password))
    db.add(user)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise conflict("email already registered") from None
    return user


@router.post(
    "/auth/login",
    response_model=TokenOut,
    responses={401: {"model": ErrorOut, "description": "Bad credentials"}},
)
def login(body: LoginIn, db: DbSession, settings: SettingsDep, response: Response) -> TokenOut:
    response.headers["Cache-Control"] = PRIVATE_CACHE
    user = db.scalar(select(User).where(User.email == body.email.strip().lower()))
    if user is None:
        verify_password(body.password, DUMMY_HASH)
        ok = False
    else:
        ok = verify_password(body.password, user.password_hash)
    if not ok or user is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="invalid email or password",
            headers={"WWW-Authenticate": "Bearer", "Cache-Control": PRIVATE_CACHE},
        )
    return TokenOut(token=create_token(user.id, settings.secret_key, settings.token_ttl_seconds))


@router.get("/me", response_model=UserOut, responses=AUTH_RESPONSES)
def me(user: CurrentUser) -> User:
    return user
