"""Page builders: an invented council story in a few versions, and the invented sites' addresses."""

from __future__ import annotations

from datetime import UTC, datetime

# The invented Northbridge Herald of the discovery fixtures (tests/fixtures/sources).
HERALD = "https://www.northbridgeherald.com"

URL = "https://news.example.org/politics/2024/05/01/council-vote"
T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)

LEDE = (
    "The city council voted on Tuesday night to approve the new transport plan after a "
    "debate that lasted more than four hours and drew a crowd of residents to the chamber."
)
SECOND = (
    "Supporters said the plan would cut journey times across the city, while opponents "
    "warned that the cost had not been properly explained to the people who would pay it."
)
THIRD = (
    "The council leader said work on the first stage would begin in the autumn, and that "
    "residents would be consulted again before any of the later stages were agreed."
)


def page(title: str, *paragraphs: str, noise: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body><header>Daily News {noise}</header>"
        f"<article><h1>{title}</h1><p class='byline'>By Jane Reporter</p>{body}</article>"
        "<footer>Copyright Daily News</footer></body></html>"
    ).encode()


A = page("Council approves transport plan", LEDE, SECOND, THIRD)
B = page("Council approves £2bn transport plan", LEDE, SECOND, THIRD)
C = page("Council approves £2bn transport plan after long debate", LEDE, SECOND)
A_TRIVIAL = page("Council approves transport plan.", LEDE, SECOND, THIRD)
