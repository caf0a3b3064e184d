"""Tables of the complaints service (its own database; no other service reads them)."""

from chassis.db import new_metadata

metadata = new_metadata()
