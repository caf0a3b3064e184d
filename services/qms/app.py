"""Wiring of the qms service through the chassis (nothing to wire yet)."""

from pathlib import Path

from chassis.app import ServiceSpec

spec = ServiceSpec.empty("qms", Path(__file__).parent)
