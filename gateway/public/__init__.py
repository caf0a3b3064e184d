"""The public's pages, without signing in: the 12315 form, tracking a request, and the list
of published penalties."""
