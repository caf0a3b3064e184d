"""Partner webhooks: requests pushed to partner agencies, signed, retried."""
