"""Request and response models of the licensing routes."""
