import logging

from fastapi import APIRouter, Response, status
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..deps import DbSession
from ..schemas import HealthOut

router = APIRouter(tags=["health"])
log = logging.getLogger("shop.health")


@router.get(
    "/healthz",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "Database unreachable"}},
)
def healthz(db: DbSession, response: Response) -> HealthOut:
    response.headers["Cache-Control"] = "no-store"
    try:
        db.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("healthz: database check failed: %s", exc.__class__.__name__)
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return HealthOut(status="unavailable")
    return HealthOut(status="ok")
