"""Domain errors: what a rule or a use case refuses, said once, mapped to problem+json once.

Domain code raises these and knows nothing of HTTP; `chassis.problems` turns each into its
RFC 9457 answer. The bus treats them like any other handler failure.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal by the rules of the bureau, with the problem type and status it answers."""

    kind = "conflict"
    status = 409

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        # Further members of the problem+json answer (e.g. the missing materials it names).
        self.extensions = extensions


class NotFound(DomainError):  # noqa: N818 - reads as what happened: raise NotFound("case")
    """An absent object, or one outside the caller's scope (the two are never told apart)."""

    kind = "not-found"
    status = 404

    def __init__(self, what: str) -> None:
        super().__init__(f"No such {what}")
        self.what = what


class Conflict(DomainError):  # noqa: N818
    """The object's current state does not allow this now (an illegal transition, a duplicate)."""


class RuleViolated(DomainError):  # noqa: N818
    """A legal or business rule refuses a value the request gave; names the field at fault."""

    kind = "validation"
    status = 422

    def __init__(self, field: str, message: str, code: str = "rule", where: str = "body") -> None:
        super().__init__(f"Invalid fields: {where}.{field}")
        self.field = field
        # Where the value came from, as request validation names it: body, query or path.
        self.where = where
        self.message = message
        self.code = code


class Forbidden(DomainError):  # noqa: N818
    """The caller may see this object but not do this to it."""

    kind = "forbidden"
    status = 403
