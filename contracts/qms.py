"""Facts published by the quality management (ISO 9001) service."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import Field

from contracts.base import Contract
from contracts.values import NonEmptyStr, UtcDateTime

__all__ = ["NonconformityRaised"]


class NonconformityRaised(Contract):
    """A nonconformity was raised: a quality objective or a legal time limit was missed."""

    event_type = "qms.nonconformity.raised"
    subject_field = "nonconformity_id"

    nonconformity_id: uuid.UUID
    basis: Literal["quality_objective", "time_limit_rule"]
    basis_code: NonEmptyStr = Field(description="Code of the objective or time-limit rule missed")
    description: NonEmptyStr
    raised_at: UtcDateTime
