"""Gateway settings refused when read, before anything starts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.settings import GatewaySettings


def test_demo_seed_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="SEED_DEMO"):
        GatewaySettings(service="gateway", environment="production", seed_demo=True)
