"""Identity: staff users, partner clients, signing keys, and the tokens the gateway issues."""
