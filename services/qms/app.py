"""Wiring of the qms service through the chassis."""

from pathlib import Path

from chassis.app import ServiceSpec
from chassis.bus import HandlerRegistry
from services.qms.settings import QmsSettings
from services.qms.tables import metadata
from services.qms.witness import WITNESS, WITNESS_KEY

spec = ServiceSpec(
    name="qms",
    title="shijian qms (ISO 9001)",
    package_dir=Path(__file__).parent,
    metadata=metadata,
    handlers=HandlerRegistry("qms"),
    settings_class=QmsSettings,
    commands=[WITNESS, WITNESS_KEY],
)
