"""ClaimReview JSON-LD: one review per claim."""

from __future__ import annotations

import json

from citeaudit.report import Format, RenderOptions, renderer
from report_fixture import (
    OPTIONS,
    fixed_report,
)


def test_claimreview_one_review_per_claim() -> None:
    text = renderer(Format.CLAIMREVIEW, OPTIONS).render(fixed_report())
    data = json.loads(text)
    assert data["@context"] == "https://schema.org"
    reviews = data["@graph"]
    assert [r["@type"] for r in reviews] == ["ClaimReview"] * 7
    first = reviews[0]
    assert first["claimReviewed"] == fixed_report().claims[0].text
    assert first["datePublished"] == "2026-05-03"
    assert first["author"] == {"@type": "Organization", "name": "The Example Desk"}
    assert first["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 3,
        "bestRating": 3,
        "worstRating": 1,
        "alternateName": "supported",
        "ratingExplanation": "Supported: 2 pieces of evidence (2 verified).",
    }
    assert first["itemReviewed"]["@type"] == "Claim"
    assert first["citation"] == [
        {
            "@type": "CreativeWork",
            "url": "https://www.ahsnnetwork.com/sim",
            "name": "Serenity Integrated Mentoring (SIM)",
        }
    ]
    # schema.org: a claim appears in the document that makes it, not in its sources
    document = first["itemReviewed"]["firstAppearance"]
    assert document["name"].startswith("Response to NHS")
    assert first["itemReviewed"]["appearance"] == [document]
    ratings = [
        (r["reviewRating"].get("ratingValue"), r["reviewRating"]["alternateName"]) for r in reviews
    ]
    assert ratings == [
        (3, "supported"),
        (2, "partly_supported"),
        (1, "unsupported"),
        (None, "unverifiable"),
        (3, "supported"),  # a quote on the wrong page: the claim stands
        (3, "supported"),  # said in other words
        (1, "contradicted"),  # a passage says otherwise: the worst rating
    ]
    assert "1 contradicted, 1 not supported" in reviews[6]["reviewRating"]["ratingExplanation"]
    archived = reviews[1]["citation"][0]
    assert archived["archivedAt"].startswith("https://web.archive.org/web/2021")
    without = renderer(Format.CLAIMREVIEW).render(fixed_report())
    assert json.loads(without)["@graph"][0]["author"]["name"] == "citeaudit"


def test_every_review_carries_a_url_to_its_claim() -> None:
    """Fact-check readers (and search engines) need the review's own address: the claim's
    anchor in the HTML report, at the address given with --review-url."""
    published = RenderOptions(review_url="https://desk.example/checks/air.html")
    reviews = json.loads(renderer(Format.CLAIMREVIEW, published).render(fixed_report()))["@graph"]
    assert [r["url"] for r in reviews] == [
        f"https://desk.example/checks/air.html#claim-{c.id}" for c in fixed_report().claims
    ]
    local = json.loads(renderer(Format.CLAIMREVIEW).render(fixed_report()))["@graph"]
    assert local[0]["url"] == "#claim-twenty-teams"
    page = renderer(Format.HTML).render(fixed_report())
    assert all(f'id="claim-{c.id}"' in page for c in fixed_report().claims)  # the anchors exist
