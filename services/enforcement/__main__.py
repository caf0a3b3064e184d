"""`python -m services.enforcement`: serve, migrate, list handlers."""

from chassis.cli import run
from services.enforcement.app import spec

run(spec)
