"""Licensing routes, one module per sub-domain: parse, build a command, call a use case."""

from services.licensing.api import applications, joint, licences, mobile, webhooks

routers = [
    licences.reference,
    applications.router,
    licences.router,
    joint.router,
    mobile.router,
    webhooks.router,
]
