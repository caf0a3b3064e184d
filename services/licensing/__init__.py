"""The licensing service: Licensing: one window, same-day issuance, joint and mobile licensing."""
