"""BUS_URL with one broker or several: the URLs, in order, their common user, what may be logged."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chassis.brokers import address, broker_urls, url_user, with_user
from chassis.settings import Settings

TWO = "amqp://shijian-qms:s3cret@mq1:5672/,amqp://shijian-qms:s3cret@mq2:5673/"


def test_one_url_is_one_broker() -> None:
    assert broker_urls("amqp://guest:guest@127.0.0.1:5672/") == [
        "amqp://guest:guest@127.0.0.1:5672/"
    ]


def test_several_urls_are_tried_in_the_order_given() -> None:
    spaced = "amqp://u:p@mq2:5672/ , amqp://u:p@mq1:5672/,amqps://u:p@mq3:5671/%2F,"
    assert broker_urls(spaced) == [
        "amqp://u:p@mq2:5672/",
        "amqp://u:p@mq1:5672/",
        "amqps://u:p@mq3:5671/%2F",
    ]


@pytest.mark.parametrize(
    ("bus_url", "complaint"),
    [
        ("", "expected amqp://"),
        (" , ", "expected amqp://"),
        ("http://u:p@mq1/", "mq1:5672: expected amqp://"),
        ("amqp://u:p@mq1:5672/,mq2:5672", "expected amqp://"),
        ("amqp://u:p@mq1/,amqp://v:p@mq2/", "same user"),
        # No user is RabbitMQ's guest: not the user of the first.
        ("amqp://u:p@mq1/,amqp://mq2/", "found guest, u"),
    ],
)
def test_a_bad_list_is_refused_with_the_reason(bus_url: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        broker_urls(bus_url)


def test_the_user_is_the_one_every_url_names() -> None:
    assert url_user(TWO) == "shijian-qms"
    assert url_user("amqp://127.0.0.1/") == "guest"
    assert url_user("amqp://shijian%2Dqms:p@mq1/") == "shijian-qms"


def test_a_process_user_replaces_the_administrator_on_every_broker() -> None:
    admin = "amqp://admin:root@mq1:5672/prod,amqp://admin:root@mq2:5673/prod"
    assert with_user(admin, "shijian-qms", "p@ss:word") == (
        "amqp://shijian-qms:p%40ss%3Aword@mq1:5672/prod,"
        "amqp://shijian-qms:p%40ss%3Aword@mq2:5673/prod"
    )


def test_a_broker_is_named_in_logs_by_host_and_port_never_password() -> None:
    assert address("amqp://u:s3cret@mq1:5673/") == "mq1:5673"
    assert address("amqps://u:s3cret@mq1/") == "mq1:5671"
    assert address("amqp://u:s3cret@mq1/") == "mq1:5672"


def test_settings_take_several_brokers() -> None:
    settings = Settings(service="qms", bus_url=TWO)
    assert broker_urls(settings.bus_url) == TWO.split(",")


def test_settings_name_bus_url_when_the_users_differ() -> None:
    with pytest.raises(ValidationError, match="same user"):
        Settings(service="qms", bus_url="amqp://a:p@mq1/,amqp://b:p@mq2/")


def test_production_refuses_a_published_password_on_any_broker() -> None:
    settings = Settings(
        service="qms",
        environment="production",
        database_url="postgresql://db/qms",
        jwks_url="http://gateway/jwks",
        bus_url="amqp://shijian-qms:Xk3-long@mq1/,amqp://shijian-qms:guest@mq2/",
    )
    assert (settings.refusal_to_serve() or "").startswith("BUS_URL: the broker password")
