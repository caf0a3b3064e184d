"""`python -m services.qms`: serve, migrate, list handlers."""

from chassis.cli import run
from services.qms.app import spec

run(spec)
