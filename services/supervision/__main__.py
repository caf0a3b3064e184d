"""`python -m services.supervision`: serve, migrate, list handlers."""

from chassis.cli import run
from services.supervision.app import spec

run(spec)
