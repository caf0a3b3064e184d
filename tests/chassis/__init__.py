"""Tests of the chassis."""
