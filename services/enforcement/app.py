"""Wiring of the enforcement service through the chassis."""

from pathlib import Path

from chassis.app import ServiceSpec
from services.enforcement.handlers import handlers
from services.enforcement.tables import metadata

spec = ServiceSpec(
    name="enforcement",
    title="shijian enforcement",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
)
