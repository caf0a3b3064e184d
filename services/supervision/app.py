"""Wiring of the supervision service through the chassis."""

from pathlib import Path

from chassis.app import ServiceSpec
from services.supervision.handlers import handlers
from services.supervision.tables import metadata

spec = ServiceSpec(
    name="supervision",
    title="shijian supervision",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
)
