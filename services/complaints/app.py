"""Wiring of the complaints service through the chassis."""

from pathlib import Path

from chassis.app import ServiceSpec
from services.complaints.handlers import handlers
from services.complaints.tables import metadata

spec = ServiceSpec(
    name="complaints",
    title="shijian complaints",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
)
