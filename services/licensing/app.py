"""Wiring of the licensing service through the chassis."""

from pathlib import Path

from chassis.app import ServiceSpec
from services.licensing.handlers import handlers
from services.licensing.tables import metadata

spec = ServiceSpec(
    name="licensing",
    title="shijian licensing",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
)
