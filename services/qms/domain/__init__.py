"""The qms domain: the Merkle tree over the event record (RFC 6962/9162), and the signed notes
(C2SP signed-note, tlog-checkpoint, tlog-cosignature) that commit to it.

Pure: no I/O, no settings, no web or database types.
"""
