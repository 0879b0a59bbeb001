"""/docs and /redoc work on a network with no CDN, and need no token (API.md "Conventions")."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient


class _AssetCollector(HTMLParser):
    """Every address a page loads through a tag: script sources, stylesheets and icons."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and named.get("src"):
            self.assets.append(("script", named["src"] or ""))
        if tag == "link" and named.get("href"):
            self.assets.append((named.get("rel") or "link", named["href"] or ""))


def _assets(html: str) -> list[tuple[str, str]]:
    collector = _AssetCollector()
    collector.feed(html)
    return collector.assets


EXPECTED_TYPES = {
    "script": "text/javascript",
    "stylesheet": "text/css",
    "shortcut icon": "image/png",
}


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_page_loads_every_asset_from_the_service(client: TestClient, page: str) -> None:
    response = client.get(page)  # no Authorization header
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assets = _assets(response.text)
    kinds = {kind for kind, _ in assets}
    assert "script" in kinds
    if page == "/docs":
        assert "stylesheet" in kinds
    for kind, url in assets:
        parts = urlsplit(url)
        assert not parts.scheme, f"{page} loads {url} from outside"
        assert not parts.netloc, f"{page} loads {url} from outside"
        assert url.startswith("/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["content-type"].startswith(EXPECTED_TYPES[kind]), (url, kind)
        assert len(asset.content) > 1000 or kind == "shortcut icon", url
    # Nothing else in the page names an outside address to fetch (fonts, validators).
    assert "https://" not in response.text
    assert "http://" not in response.text


def test_the_openapi_document_needs_no_token(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.1")
    bad_token = {"Authorization": "Bearer nonsense"}
    assert client.get("/openapi.json", headers=bad_token).status_code == 200
