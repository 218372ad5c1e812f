"""Bounds of the integers the API accepts: what the database's INTEGER columns can hold.

A larger id or offset reached SQLite/PostgreSQL and failed there with a 500 (found by the
contract check: Schemathesis sent ids such as 298441887051096710151757889536). Declared in the
OpenAPI document, such a value is a 422 before any query runs.
"""

from typing import Annotated

from fastapi import Path, Query

DB_INT_MAX = 2_147_483_647

IdPath = Annotated[int, Path(ge=1, le=DB_INT_MAX)]
OffsetQuery = Annotated[int, Query(ge=0, le=DB_INT_MAX)]
