from fastapi import APIRouter, status

from ..deps import AUTH_RESPONSES, CurrentUser, DbSession
from ..models import SupportTicket
from ..schemas import TicketIn, TicketOut

router = APIRouter(tags=["support"], responses=AUTH_RESPONSES)


@router.post("/support/tickets", status_code=status.HTTP_201_CREATED, response_model=TicketOut)
def create_ticket(body: TicketIn, user: CurrentUser, db: DbSession) -> SupportTicket:
    ticket = SupportTicket(user_id=user.id, subject=body.subject, message=body.message)
    db.add(ticket)
    db.commit()
    return ticket
