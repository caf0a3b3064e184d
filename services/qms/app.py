"""Wiring of the qms service through the chassis."""

from pathlib import Path

from chassis.app import ServiceSpec
from services.qms.handlers import handlers
from services.qms.tables import metadata

spec = ServiceSpec(
    name="qms",
    title="shijian qms",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=handlers,
)
