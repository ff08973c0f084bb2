"""The passage most likely to support a claim that quotes nothing (BM25): terms, sentences
gathered into windows, blocks kept apart, headings and menus passed over."""

from __future__ import annotations

from citeaudit.meaning.passages import MIN_WORDS, best_passage, terms

TEXT = (
    "Home About us Contact\n"
    "Serenity Integrated Mentoring\n"
    "The programme placed police officers in mental health teams. "
    "It was supported by the AHSN Network for two years.\n"
    "Unrelated paragraph about car parking and opening hours at the site."
)


def passage(text: str, query: str, **options: object) -> str | None:
    found = best_passage(query, text, [(0, len(text))], **options)  # type: ignore[arg-type]
    return None if found is None else text[found.start : found.end]


def test_terms_leave_out_stop_words_and_plurals() -> None:
    assert terms("The teams were supported by the AHSNs’ networks") == [
        "team",
        "supported",
        "ahsn",
        "network",
    ]
    assert terms("NHS boards pass") == ["nhs", "board", "pass"]  # short words and -ss kept
    assert terms("a 5 x") == ["5"]


def test_the_passage_that_shares_the_claim_s_words() -> None:
    found = passage(TEXT, "police officers worked in mental health teams", blocks=True)
    assert found is not None and found.startswith("The programme placed police officers")
    assert "car parking" not in found


def test_nothing_is_suggested_without_two_shared_words() -> None:
    assert passage(TEXT, "spaceship") is None
    assert passage(TEXT, "the of and") is None  # only stop words


def test_a_passage_never_runs_across_blocks() -> None:
    text = "Mental health teams met weekly.\nPolice officers joined the teams."
    found = passage(text, "mental health police officers teams", blocks=True)
    assert found is not None and "\n" not in found
    joined = passage(text, "mental health police officers teams", blocks=False)
    assert joined == text  # a PDF's line break is only where the line was full


def test_headings_and_fragments_are_passed_over_for_fuller_passages() -> None:
    text = "Mental health police\nThe mental health teams and police worked together well."
    heading = (0, len("Mental health police"))
    found = passage(text, "mental health police", blocks=True, headings=[heading])
    assert found is not None and found.startswith("The mental health teams")
    assert len(found.split()) >= MIN_WORDS


def test_preferred_windows_win_when_any_qualifies() -> None:
    text = "Menu: police and mental health links.\nPolice work with mental health teams daily."
    found = passage(text, "police mental health", blocks=True, prefer=lambda p: "daily" in p)
    assert found == "Police work with mental health teams daily."
