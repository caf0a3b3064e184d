"""`python -m gateway`: serve the API gateway."""

import uvicorn

from chassis.observability import configure_logging
from chassis.settings import load_settings
from gateway.app import create_gateway_app
from gateway.settings import GatewaySettings

settings = load_settings("gateway", GatewaySettings)
configure_logging("gateway", settings.log_level)
uvicorn.run(
    create_gateway_app(settings),
    host=settings.host,
    port=settings.port,
    log_config=None,
    access_log=False,
    server_header=False,
)
