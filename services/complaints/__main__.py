"""`python -m services.complaints`: serve, migrate, list handlers."""

from chassis.cli import run
from services.complaints.app import spec

run(spec)
