"""A claim's verdict from its evidence's, and the verdicts as plain data: naming them loads
neither the quote finder nor an extractor."""

from __future__ import annotations

import subprocess
import sys

import pytest

from citeaudit.verify.verdicts import CHECKED, FOUND, claim_verdict
from citeaudit.vocab import ClaimVerdict, Verdict

V = Verdict


@pytest.mark.parametrize(
    ("verdicts", "claim"),
    [
        ([V.VERIFIED], ClaimVerdict.SUPPORTED),
        ([V.VERIFIED, V.LINK_ONLY], ClaimVerdict.SUPPORTED),
        ([V.VERIFIED, V.MISQUOTED], ClaimVerdict.PARTLY_SUPPORTED),
        ([V.VERIFIED, V.SOURCE_UNAVAILABLE], ClaimVerdict.PARTLY_SUPPORTED),
        ([V.WRONG_LOCATOR], ClaimVerdict.SUPPORTED),  # the words are there: a citation error
        ([V.WRONG_LOCATOR, V.VERIFIED, V.LINK_ONLY], ClaimVerdict.SUPPORTED),
        ([V.WRONG_LOCATOR, V.MISQUOTED], ClaimVerdict.PARTLY_SUPPORTED),
        ([V.NOT_IN_SOURCE, V.LINK_ONLY], ClaimVerdict.UNSUPPORTED),
        ([V.LINK_ONLY], ClaimVerdict.UNVERIFIABLE),
        ([V.SOURCE_UNAVAILABLE, V.NO_TEXT], ClaimVerdict.UNVERIFIABLE),
        ([], ClaimVerdict.UNVERIFIABLE),
        # judgements of meaning, for evidence that quotes nothing
        ([V.SUPPORTED], ClaimVerdict.SUPPORTED),
        ([V.SUPPORTED, V.VERIFIED, V.LINK_ONLY], ClaimVerdict.SUPPORTED),
        ([V.NOT_SUPPORTED], ClaimVerdict.UNSUPPORTED),
        ([V.VERIFIED, V.NOT_SUPPORTED], ClaimVerdict.PARTLY_SUPPORTED),
        ([V.CONTRADICTED], ClaimVerdict.CONTRADICTED),
        # a passage that says otherwise outweighs every quote found
        ([V.VERIFIED, V.SUPPORTED, V.CONTRADICTED], ClaimVerdict.CONTRADICTED),
        ([V.NO_TEXT], ClaimVerdict.UNVERIFIABLE),
    ],
)
def test_claim_verdict(verdicts: list[Verdict], claim: ClaimVerdict) -> None:
    assert claim_verdict(verdicts) is claim


def test_found_is_checked() -> None:
    assert FOUND <= CHECKED
    assert V.LINK_ONLY not in CHECKED
    assert {v for v in V if v.of_meaning} == {V.SUPPORTED, V.CONTRADICTED, V.NOT_SUPPORTED}
    assert {v for v in V if v.of_meaning} <= CHECKED


def test_naming_the_verdicts_loads_no_engine() -> None:
    code = (
        "import sys\n"
        "from citeaudit.verify import ClaimResult, EvidenceResult, SourceCopy\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('citeaudit', 'lxml')))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert {"citeaudit.verify.verdicts", "citeaudit.verify.copies"} <= loaded
    assert not loaded & {
        "citeaudit.verify.quotes",
        "citeaudit.verify.judge",
        "citeaudit.extract.html",
        "citeaudit.extract.sniff",
        "lxml",
        "lxml.etree",
    }
