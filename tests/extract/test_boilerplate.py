from __future__ import annotations

import pytest

from copydesk.extract.boilerplate import drop_boilerplate, is_boilerplate


@pytest.mark.parametrize(
    "line",
    [
        "Related: Ferry timetable changes from June",
        "RELATED STORIES: Tram extension",
        "READ MORE: Pothole repairs fall behind schedule",
        "Read more",
        "See also: the full timeline",
        "Sign up to our free newsletter for the day's top stories",
        "Subscribe now for £1 a week",
        "Follow us on Twitter and Facebook",
        "Click here to download the app",
        "Share on Facebook",
        "Share this article",
        "Advertisement",
        "Updated 3 minutes ago",
        "42 comments",
        "Comments (17)",
        "Share Tweet Email",
        "Facebook Twitter WhatsApp 311",
        "Most read",
        "We use cookies to improve your experience.",
        "An error has occurred, please try again later.",
        "This article has been sent to",
        "This copy is for your personal, non-commercial use only.",
        "Write to Ann Lee at ann.lee@example.com",
        "Tell us what YOU think...",
        "- Tags:",
        "Filed under:",
    ],
)
def test_promo_lines_are_boilerplate(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Correction: an earlier version of this article misstated the number of cables.",
        "This article was amended on 15 May 2024 to correct the vehicle count.",
        "Update: the council has since confirmed the closure.",
        "Related parties must declare their interests, the regulator said on Monday.",
        "Shares in the company fell 4% after the announcement.",
        "More than 300 people attended the meeting.",
        "[1] Alarm fatigue: impacts on patient safety. Curr Opin Anaesthesiol. 2015; 28: 685.",
        "[Engadget]",
        '[caption id="attachment_7" align="alignright" width="300"] Author: Ann Lee[/caption]',
        '"[We] have agreed to grant all licenses of [our] artists\' performances," it says.',
        "Tags on the crates showed they had been shipped from Rotterdam.",
        "Write to your MP, the campaign urges, before the vote on Thursday.",
        "Sign language interpreters will be provided at every briefing, organisers said, "
        "after complaints from deaf residents that earlier meetings had excluded them and that "
        "written summaries arrived days late, which several people described as unacceptable "
        "for a public consultation of this size and importance to the community.",
    ],
)
def test_article_text_is_kept(line: str) -> None:
    assert not is_boilerplate(line)


def test_drop_boilerplate_keeps_order() -> None:
    lines = ("One.", "Related: x", "Two.", "Advertisement", "Three.")
    assert drop_boilerplate(lines) == ("One.", "Two.", "Three.")
