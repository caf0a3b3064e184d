"""The web console driven in a browser against the whole platform, and its API types."""
