"""The OpenAPI document as the API really answers.

FastAPI answers a body that is not valid JSON with 400 ("There was an error parsing the
body") but documents only 422; the contract check reported it (Schemathesis ST103) on every
operation with a body. Document the 400 there.
"""

from typing import Any

from fastapi import FastAPI

MALFORMED_BODY = {
    "description": "The body is not valid JSON",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            }
        }
    },
}


def document_malformed_body(app: FastAPI) -> None:
    """Add the 400 response to every operation that takes a request body."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                if isinstance(operation, dict) and "requestBody" in operation:
                    operation.setdefault("responses", {}).setdefault("400", MALFORMED_BODY)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
