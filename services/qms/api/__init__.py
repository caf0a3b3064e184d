"""QMS routes, one module per part of the quality system."""
