"""The complaints (12315) domain: submissions and their split into tickets, the ticket's life,
its legal clocks, routing over bureau, offices and stations, and the confidentiality wall.

Pure: no I/O, no settings, no web or database types.
"""
