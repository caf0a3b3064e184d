"""Wiring of the complaints service through the chassis (nothing to wire yet)."""

from pathlib import Path

from chassis.app import ServiceSpec

spec = ServiceSpec.empty("complaints", Path(__file__).parent)
