from __future__ import annotations

import copydesk.fetch as fetch


def test_all_matches_public_names():
    public = {name for name in vars(fetch) if not name.startswith("_")}
    modules = {
        "content_encoding",
        "fetcher",
        "guard",
        "pinning",
        "politeness",
        "proxies",
        "ratelimit",
        "render",
        "robots",
        "annotations",
    }
    assert set(fetch.__all__) == public - modules
    assert {"Fetcher", "is_public_address", "check_url_allowed", "Resolver"} <= set(fetch.__all__)
