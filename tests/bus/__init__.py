"""Tests of the event bus, on the real broker and database."""
