"""GeoReport v2's error format: a JSON list or an XML document, text escaped by the library."""

from __future__ import annotations

import json
from xml.etree import ElementTree

from gateway.open311 import georeport_errors

AWKWARD = 'api_key <"&"> 无效 </description><code>200</code>'


def test_an_xml_path_gets_an_xml_error_with_its_text_escaped() -> None:
    answer = georeport_errors("requests/7.xml", 403, AWKWARD, {"Retry-After": "3"})
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "text/xml; charset=utf-8"
    assert answer.headers["retry-after"] == "3"
    assert bytes(answer.body).startswith(b'<?xml version="1.0" encoding="utf-8"?><errors>')
    errors = ElementTree.fromstring(bytes(answer.body))
    assert [(e.findtext("code"), e.findtext("description")) for e in errors] == [("403", AWKWARD)]


def test_any_other_path_gets_a_json_error() -> None:
    for path in ("services.json", "discovery"):
        answer = georeport_errors(path, 429, AWKWARD)
        assert answer.headers["content-type"] == "application/json; charset=utf-8"
        assert json.loads(bytes(answer.body)) == [{"code": 429, "description": AWKWARD}]
