"""The API gateway: the one door for browsers, partner agencies and ops."""
