"""What checking one URL came to, as plain data: what it keeps, and how it travels from a
worker process to the parent."""

from __future__ import annotations

import hashlib
import pickle
from datetime import UTC, datetime

from citeaudit.fetch import Exchange, Failure, FetchResult, Hop
from citeaudit.vocab import LinkStatus

WHEN = datetime(2026, 1, 2, tzinfo=UTC)
ANSWER = Exchange("GET", "http://e/b", (), "HTTP/1.1", 200, "OK", (), b"raw", WHEN)


def test_a_result_without_an_answer_has_no_digest() -> None:
    refused = FetchResult(
        "http://e/", LinkStatus.UNREACHABLE, "connection refused", WHEN, failure=Failure.REFUSED
    )

    assert refused.sha256 is None
    assert (refused.content, refused.exchanges, refused.attempts) == (b"", (), 0)


def test_the_digest_is_of_the_decoded_body_even_when_it_is_empty() -> None:
    page = FetchResult(
        "http://e/", LinkStatus.OK, "200 OK", WHEN, content=b"decoded", exchanges=(ANSWER,)
    )
    empty = FetchResult("http://e/", LinkStatus.OK, "200 OK", WHEN, exchanges=(ANSWER,))

    assert page.sha256 == hashlib.sha256(b"decoded").hexdigest()
    assert empty.sha256 == hashlib.sha256(b"").hexdigest()


def test_a_result_survives_pickling_and_shows_no_body() -> None:
    result = FetchResult(
        "http://e/a#x",
        LinkStatus.REDIRECTED,
        "200 OK after 1 redirect (301)",
        WHEN,
        http_status=200,
        redirects=(Hop("http://e/a", 301),),
        permanent=True,
        content=b"y" * 5000,
        exchanges=(ANSWER,),
        extra={"head": "fell back"},
    )

    assert pickle.loads(pickle.dumps(result)) == result
    assert "yyyy" not in repr(result)


def test_failures_are_named_for_code_and_reports() -> None:
    assert Failure("retry_after_too_long") is Failure.RETRY_AFTER_TOO_LONG
    assert str(Failure.TOTAL_TIMEOUT) == "total_timeout"
    assert len({f.value for f in Failure}) == len(Failure)
