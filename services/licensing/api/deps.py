"""What the licensing routes are handed: the context, a unit of work, who calls."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from chassis.auth import Principal, require_roles
from chassis.context import context_of
from services.licensing.context import LicensingContext

Ctx = Annotated[LicensingContext, Depends(context_of)]
Clerk = Annotated[Principal, require_roles("licensing_clerk")]
Reader = Annotated[Principal, require_roles("licensing_clerk", "auditor")]
ApplicationId = Annotated[uuid.UUID, Path(description="The application's id")]
