"""The Swagger UI page over the one OpenAPI."""

from __future__ import annotations

from gateway.openapi import docs_html


def test_docs_page_loads_the_merged_document_with_the_password_flow() -> None:
    page = bytes(docs_html("/openapi.json").body).decode()
    assert "<title>shijian API</title>" in page
    assert "'/openapi.json'" in page
    assert '"persistAuthorization": true' in page
    assert "ui.initOAuth(" in page
