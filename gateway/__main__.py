"""`python -m gateway [serve|migrate|makemigration|dlq]`: the API gateway."""

from chassis.cli import run
from gateway.app import spec

run(spec)
