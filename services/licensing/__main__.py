"""`python -m services.licensing`: serve, migrate, list handlers."""

from chassis.cli import run
from services.licensing.app import spec

run(spec)
