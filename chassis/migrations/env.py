"""Alembic's entry point for every service (see chassis.migrations)."""

from alembic import context

from chassis.migrations import run_env

run_env(context)
