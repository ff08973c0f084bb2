"""Pages that answer 200 but are not the page: soft 404s, parked domains, bot walls.

Link checkers that trust the status code call all of these OK. The rules here look
only where a site says what a page *is* (its title, ``og:title`` and first heading, or
the whole of a very short page's own words: not its links, not URLs), so an article
*about* 404 errors, or one that says "not found" somewhere in its body, is left alone.

Everything works on a bounded prefix of the page, read as every stage reads a page
(:func:`citeaudit.extract.read_html`: one charset decision, one parse, one rule for what a
reader sees) through its cheap reads: it runs on every page a ``check`` fetches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from urllib.parse import parse_qsl, unquote, urlsplit

from citeaudit.text import decode_text, fold_dropping_accents
from citeaudit.vocab import LinkStatus

# Not-found pages, parking pages and challenges are small; past this the page is read
# no further.
SCAN_BYTES = 256 * 1024
# A page with at most this many visible words is judged on its whole text.
SHORT_PAGE_WORDS = 40
# Bot walls and parking pages are small; longer pages are never judged one.
WALL_PAGE_WORDS = 400
LABEL_WORDS = 12


class SoftKind(StrEnum):
    """Which rule decided, for code to test (the reason is for people)."""

    NOT_FOUND_PAGE = "not_found_page"
    PARKED_DOMAIN = "parked_domain"
    HOME_REDIRECT = "home_redirect"
    DOCUMENT_AS_HTML = "document_as_html"
    BOT_WALL = "bot_wall"


@dataclass(frozen=True)
class Judgement:
    """A page that is not what its status code says: ``soft_404`` or ``blocked``."""

    status: LinkStatus
    kind: SoftKind
    reason: str


# --------------------------------------------------------------------------- text helpers


def _quote(text: str, limit: int = 80) -> str:
    """A page's words, shortened and quoted for a reason."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"'{text}'"


def _without_comments(text: str) -> str:
    """The page's source without its comments: where a wall's markers are sought."""
    parts: list[str] = []
    position = 0
    while (start := text.find("<!--", position)) != -1:
        parts.append(text[position:start])
        end = text.find("-->", start + 4)
        if end == -1:
            return " ".join(parts)
        position = end + 3
    parts.append(text[position:])
    return " ".join(parts)


@dataclass(frozen=True)
class PageHead:
    """What a page says it is, read from its first :data:`SCAN_BYTES`.

    ``text`` is the visible text; past :data:`WALL_PAGE_WORDS` words no rule reads it, so
    a longer page's is cut there (``words`` then only says it is longer). ``source`` is the
    decoded page, markup and all (``markup`` False for plain text).
    """

    title: str | None
    og_title: str | None
    h1: str | None
    text: str
    words: int
    source: str
    complete: bool
    markup: bool = True
    own_text: str | None = None

    @cached_property
    def own_words(self) -> str:
        """The page's own words, folded: its visible text without the text of its links
        and without URLs and paths (where a list of links says "/notfound" or "404")."""
        text = self.text if self.own_text is None else self.own_text
        return fold_dropping_accents(_URLISH.sub(" ", text))

    @cached_property
    def folded(self) -> str:
        """The visible text folded (accents dropped), once for all the rules that read it."""
        return fold_dropping_accents(self.text)

    @cached_property
    def raw(self) -> str:
        """The page's source in lower case, comments left out: where markers are sought."""
        return (_without_comments(self.source) if self.markup else self.source).lower()

    @property
    def labels(self) -> list[tuple[str, str]]:
        """(where, label) pairs a site names a page with."""
        found = [("title", self.title), ("og:title", self.og_title), ("heading", self.h1)]
        return [(where, label) for where, label in found if label]


def read_head(content: bytes, content_type: str | None) -> PageHead:
    """Title, ``og:title``, first ``<h1>`` and visible text of an HTML page's start."""
    from citeaudit.extract import read_html  # lxml is loaded with the first page judged

    page = read_html(content, content_type, limit=SCAN_BYTES)
    visible = page.visible_text(WALL_PAGE_WORDS)
    words = visible.count(" ") + 1 if visible else 0  # spaces already collapsed
    # A short page is judged on its whole text: its own words, not its links'.
    own = page.visible_text(SHORT_PAGE_WORDS, links=False) if words <= SHORT_PAGE_WORDS else None
    return PageHead(
        title=page.title,
        og_title=page.og_title,
        h1=page.first_heading,
        text=visible,
        words=words,
        source=page.source,
        complete=len(content) <= SCAN_BYTES,
        own_text=own,
    )


# What is a URL or a path, not words: "http://x/y", "www.x.org/y", "/notfound", "x.org/404".
_URLISH = re.compile(
    r"(?<!\S)(?:[a-z][a-z0-9+.-]*:/\S*|www\.\S+|/\S*|[\w.-]+\.[a-z]{2,}/\S*)",
    re.IGNORECASE,
)


def _fold_pattern(pattern: str) -> str:
    """Fold a regular expression's literal characters, leaving its escapes
    (``\\S`` must not become ``\\s``) alone."""
    out: list[str] = []
    escaped = False
    for char in pattern:
        if escaped or char == "\\":
            out.append(char)
            escaped = not escaped and char == "\\"
            continue
        out.append(fold_dropping_accents(char) if not char.isspace() else char)
    return "".join(out)


def _patterns(sources: Iterable[str]) -> re.Pattern[str]:
    """One alternation, its literals folded like the text it meets."""
    return re.compile("|".join(f"(?:{_fold_pattern(s)})" for s in sources))


# --------------------------------------------------------------------------- not found

# Phrases that say "no such page", in the languages the web mostly cites in.
_NOT_FOUND = _patterns(
    [
        # English
        r"\bnot found\b",
        r"\b(?:can ?not|can't|could ?n[o']?t|unable to) (?:be )?(?:find|found|located)\b",
        r"\b(?:does ?n[o']?t|did ?n[o']?t|no longer) exists?\b",
        r"\bno such (?:page|file|document|article)\b",
        r"\bpage (?:is )?missing\b",
        r"\bpage (?:has been|was) (?:removed|deleted)\b",
        # French
        r"\bintrouvable\b",
        r"\b(?:non|pas) trouvee?s?\b",
        r"\bn'existe (?:pas|plus)\b",
        # German
        r"\bnicht gefunden\b",
        r"\bexistiert nicht\b",
        r"\bseite (?:ist )?nicht (?:mehr )?verfügbar\b",
        # Spanish
        r"\bno (?:se )?(?:ha )?(?:encontrad[oa]|encontró|pudo encontrar)\b",
        r"\b(?:página|pagina) no existe\b",
        # Italian
        r"\bnon (?:è )?(?:stat[oa] )?trovat[oa]\b",
        r"\bpagina non esiste\b",
        # Portuguese
        r"\bnão (?:foi )?encontrad[oa]\b",
        r"\b(?:página|pagina) não existe\b",
        # Dutch
        r"\bniet (?:worden )?gevonden\b",
        r"\bbestaat niet\b",
        # Scandinavian, Polish, Czech, Turkish, Russian
        r"\bhittades inte\b",
        r"\bfinns inte\b",
        r"\bikke (?:fundet|funnet)\b",
        r"\b(?:findes|finnes) ikke\b",
        r"\bnie znaleziono\b",
        r"\bnie (?:została|zostala) znaleziona\b",
        r"\bstrona nie istnieje\b",
        r"\bnenalezena\b",
        r"\bbulunamad[ıi]\b",
        r"\bне найден[аоы]?\b",
        r"\bне существует\b",
        # Japanese, Chinese, Korean
        r"見つかりません",
        r"存在しません",
        r"找不到",
        r"(?:页面|頁面|网页|網頁)不存在",
        r"찾을 수 없습니다",
    ]
)
_BARE_404 = _patterns(
    [
        r"(?:(?:http|error|erreur|fehler|errore|erro|fout|błąd|code|código|codice)\s*)?404"
        r"(?:\s*(?:error|erreur|fehler|errore|erro|fout|page|seite|página|pagina))?"
    ]
)
# Words that make a title one *about* missing pages, not a missing page.
_ABOUT = _patterns(
    [
        r"\b(?:how|why|fix|fixing|fixes|explained|guide|tutorial|meaning|errors|codes"
        r"|understanding|handling|custom|create|creating|design|designs|examples?|best|seo"
        r"|tips|vs|pourquoi|warum|waarom|novel|song|album)\b"
    ]
)
_SEPARATORS = re.compile(r"\s*[|–—·•»«‹›]\s*|\s+[-:/~]\s+|:\s+|\s*::\s*")
_INTERJECTION = re.compile(
    r"^(?:oops|whoops|uh[- ]?oh|sorry|hmm+|ups|oups|hoppla|désolé|desole|lo sentimos|"
    r"ci dispiace|desculpe|helaas)\W*\s*"
)
_TRIM = " !.?¡¿…'\"“”„()[]{}*-_,;"


def _segment_says_not_found(segment: str) -> bool:
    segment = _INTERJECTION.sub("", segment.strip(_TRIM)).strip(_TRIM)
    if not segment or len(segment.split()) > LABEL_WORDS:
        return False
    if _BARE_404.fullmatch(segment):
        return True
    return _NOT_FOUND.search(segment) is not None


def says_not_found(label: str) -> bool:
    """Whether a title or heading announces a missing page.

    The label is cut at the separators sites put between a page's name and their own
    ("Page not found | Example"); a piece must be short and say "not found" (or be a
    bare "404"), and neither it nor any piece before it may read as a page *about*
    the subject ("How to fix: page not found").
    """
    segments = [s for s in _SEPARATORS.split(fold_dropping_accents(label)) if s.strip(_TRIM)]
    for index, segment in enumerate(segments):
        if _ABOUT.search(segment):
            return False
        if _segment_says_not_found(segment):
            return index == 0 or not any(_ABOUT.search(s) for s in segments[:index])
    return False


def not_found_page(page: PageHead) -> str | None:
    """Why the page reads as a not-found page, or None."""
    for where, label in page.labels:
        if says_not_found(label):
            return f"the page says it was not found ({where} {_quote(label)})"
    if page.complete and page.words <= SHORT_PAGE_WORDS and page.text:
        folded = page.own_words  # links and URLs are not what the page says of itself
        if not _ABOUT.search(folded) and (_NOT_FOUND.search(folded) or _BARE_404.search(folded)):
            return f"the page says it was not found (its whole text: {_quote(page.text)})"
    return None


# --------------------------------------------------------------------------- parked

_PARKING_HOSTS = (
    ("sedoparking.com", "Sedo"),
    ("sedo.com/search/details", "Sedo"),
    ("parkingcrew.net", "ParkingCrew"),
    ("bodis.com", "Bodis"),
    ("window.park", "Bodis or ParkingCrew"),
    ("dan.com/buy-domain", "Dan.com"),
    ("afternic.com", "Afternic"),
    ("hugedomains.com", "HugeDomains"),
    ("parkingpage.namecheap.com", "Namecheap"),
    ("above.com/marketplace", "Above.com"),
    ("domainmarket.com", "DomainMarket"),
    ("undeveloped.com", "Undeveloped"),
    ("parklogic", "ParkLogic"),
)
_PARKED = _patterns(
    [
        r"\b(?:this|the) domain(?: name)?(?: \S+)? (?:is|may be|might be|could be) for sale\b",
        r"\bdomain(?: name)? (?:is|may be) for sale\b",
        r"\bbuy this domain\b",
        r"\bthis domain (?:name )?is parked\b",
        r"\bparked free\b",
        r"\bmake (?:an|a) offer on this domain\b",
        r"\binquire about this domain\b",
        r"\bthis domain (?:name )?(?:has been|was) registered\b",
        r"\bdomain (?:name )?is available for (?:sale|purchase)\b",
        r"\bdiese domain (?:steht zum verkauf|kaufen|ist zu verkaufen)\b",
        r"\bce (?:nom de )?domaine est (?:a|à) vendre\b",
        r"\beste dominio (?:está|esta) a la venta\b",
    ]
)


# Every phrase of _PARKED holds one of these words: a page with none of them is not read
# with the whole alternation (most pages; a test keeps the two in step).
PARKED_WORDS = ("domain", "dominio", "parked")


def parked_domain(page: PageHead) -> str | None:
    """Why the page reads as a parked or for-sale domain, or None."""
    for where, label in page.labels:
        if _PARKED.search(fold_dropping_accents(label)):
            return f"a parked domain ({where} {_quote(label)})"
    if page.words > WALL_PAGE_WORDS:
        return None
    folded = page.folded
    match = _PARKED.search(folded) if any(w in folded for w in PARKED_WORDS) else None
    if match is not None:
        return f"a parked domain (the page says {_quote(match.group(0))})"
    for marker, provider in _PARKING_HOSTS:
        if marker in page.raw:
            return f"a parked domain (a {provider} parking page)"
    return None


# --------------------------------------------------------------------------- bot walls

_WALL_TITLES = (
    (re.compile(r"^just a moment\b"), "Cloudflare"),
    (re.compile(r"^attention required!? \| cloudflare$"), "Cloudflare"),
    (re.compile(r"\| cloudflare$"), "Cloudflare"),
    (re.compile(r"^ddos-guard$"), "DDoS-Guard"),
    (re.compile(r"^sucuri website firewall\b"), "Sucuri"),
    (re.compile(r"^(?:verify(?:ing)? you are human|are you a robot\??|human verification)"), ""),
)
# Markers found only on challenge and block pages, never on the pages they protect.
_WALL_MARKERS = (
    ("_cf_chl_opt", "Cloudflare"),
    ("cf-chl-", "Cloudflare"),
    ("cf_chl_", "Cloudflare"),
    ("cf-browser-verification", "Cloudflare"),
    ("ddos-guard/js-challenge", "DDoS-Guard"),
    ("check.ddos-guard.net", "DDoS-Guard"),
    ("cloudproxy@sucuri.net", "Sucuri"),
    ("sucuri website firewall", "Sucuri"),
    ("incapsula incident id", "Imperva"),
    ("px-captcha", "PerimeterX"),
    ("captcha-delivery.com", "DataDome"),
    ("errors.edgesuite.net", "Akamai"),
    ("awswaf.com", "AWS WAF"),
)
_WALL_PHRASES = re.compile(
    r"checking (?:if the site connection is secure|your browser before accessing)"
    r"|enable javascript and cookies to continue"
    r"|verify(?:ing)? (?:that )?you are (?:a )?human"
    r"|our systems have detected unusual traffic"
    r"|unusual traffic from your computer network"
    r"|sorry, you have been blocked"
)
_AKAMAI_REFERENCE = re.compile(r"reference\s*#\s*\d+\.[0-9a-f]+\.\d+")

Headers = tuple[tuple[str, str], ...]

_WALL_HEADERS = (
    ("cf-mitigated", "challenge", "Cloudflare"),
    ("x-vercel-mitigated", "challenge", "Vercel"),
    ("x-amzn-waf-action", "captcha", "AWS WAF"),
    ("x-amzn-waf-action", "challenge", "AWS WAF"),
)


def _named(provider: str, what: str = "bot challenge page") -> str:
    return f"{provider} {what}" if provider else what


def bot_wall(headers: Headers, page: PageHead | None, code: int) -> str | None:
    """Which bot wall answered instead of the page, in words, or None."""
    for name, value in headers:
        for wanted, flag, provider in _WALL_HEADERS:
            if name.lower() == wanted and value.strip().lower() == flag:
                return _named(provider, "bot challenge")
        refused = code in (403, 503)
        if refused and name.lower() == "server" and value.strip().lower() == "ddos-guard":
            return _named("DDoS-Guard")
    if page is None or page.words > WALL_PAGE_WORDS:
        return None
    title = fold_dropping_accents(page.title or "")
    for pattern, provider in _WALL_TITLES:
        if title and pattern.search(title):
            return f"{_named(provider)} ({_quote(page.title or '')})"
    for marker, provider in _WALL_MARKERS:
        if marker in page.raw:
            return _named(provider)
    if title == "access denied" and _AKAMAI_REFERENCE.search(page.raw):
        return _named("Akamai", "access-denied page")
    phrase = _WALL_PHRASES.search(page.folded)
    if phrase is not None:
        return f"{_named('')} (the page says {_quote(phrase.group(0))})"
    return None


# --------------------------------------------------------------------------- URLs

_HOME_FILE = re.compile(r"/(?:index|default|home|start)\.(?:html?|php|aspx?|jsp)")
# ISO 639-1: the two-letter language codes. A site's language root is one of these,
# alone or with a region or script (/en/, /en-gb/, /pt_br/, /zh-hans/); any other two
# letters (/ok, /aq, /tv) are a section's name.
LANGUAGE_CODES = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu
    cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi
    ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks
    ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl
    nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl
    sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve
    vi vo wa wo xh yi yo za zh zu
    """.split()
)
_LOCALE_ROOT = re.compile(r"/([a-z]{2})(?:[-_](?:[a-z]{2}|[0-9]{3}|[a-z]{4}))?/?")
_HARMLESS_QUERY = re.compile(r"utm_\w+|ref|source|from|lang|locale|hl|redirect\w*|error|err|404")


def _language_root(path: str) -> str | None:
    """The language a path is the root of (``/en/``, ``/pt_br``: ``en``, ``pt``), if any."""
    match = _LOCALE_ROOT.fullmatch(path)
    return match.group(1) if match and match.group(1) in LANGUAGE_CODES else None


def _under_language(path: str) -> bool:
    """Whether a path lies under a language root (``/fr/page``, ``/en-gb/a/b``)."""
    first = path.lstrip("/").split("/", 1)[0]
    return _language_root(f"/{first}/") is not None


def _home_kind(url: str) -> str | None:
    """``"root"`` for a site's front page (``/``, ``/index.html``), ``"language"`` for a
    language's front page (``/en/``); None for any other page, or one with a query beyond
    tracking and error markers."""
    parts = urlsplit(url)
    path = unquote(parts.path).lower()
    keys = [k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)]
    if not all(_HARMLESS_QUERY.fullmatch(k) for k in keys):
        return None
    if path in ("", "/") or _HOME_FILE.fullmatch(path):
        return "root"
    return "language" if _language_root(path) is not None else None


def sent_home(url: str, final_url: str) -> bool:
    """Whether a deep link ended, after redirects, on a front page (of any host).

    A language's front page counts when it is another site's (everything sent to the new
    site's front), or when the link was itself under a language (``/fr/page`` sent to
    ``/fr/``); a page of the same site sent to ``/uk/`` or ``/ok`` has moved to a section
    whose name happens to be two letters.
    """
    if _home_kind(url) is not None:
        return False
    kind = _home_kind(final_url)
    if kind != "language":
        return kind == "root"
    start, end = urlsplit(url), urlsplit(final_url)
    if (start.hostname, start.port) != (end.hostname, end.port):
        return True
    return _under_language(unquote(start.path).lower())


DOCUMENT_EXTENSIONS = (
    ".pdf",
    ".doc",
    ".docx",
    ".odt",
    ".rtf",
    ".xls",
    ".xlsx",
    ".ods",
    ".ppt",
    ".pptx",
    ".odp",
    ".epub",
)
# What the real documents start with: a mislabelled real file is not a soft 404.
_DOCUMENT_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"{\\rtf")


def document_extension(url: str) -> str | None:
    """The document extension (``.pdf``, ``.docx``...) a URL's path ends with, if any."""
    path = unquote(urlsplit(url).path).lower().rstrip("/")
    return next((ext for ext in DOCUMENT_EXTENSIONS if path.endswith(ext)), None)


def is_html(content_type: str | None, content: bytes | None) -> bool:
    """Whether an answer is an HTML page, by its bytes when there are some."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if content:
        start = content[:1024].lstrip().lower()
        if content.startswith(_DOCUMENT_MAGIC):
            return False
        if start.startswith((b"<!doctype html", b"<html")):
            return True
    return media in ("text/html", "application/xhtml+xml")


# --------------------------------------------------------------------------- judge


def judge_answer(
    url: str,
    final_url: str,
    code: int,
    headers: Headers,
    content_type: str | None,
    content: bytes | None,
) -> Judgement | None:
    """Whether an answer is a bot wall (``blocked``) or, for a 2xx, not the page asked
    for (``soft_404``); None when it is what it says.

    ``content`` is the decoded body, or None for a HEAD answer (then only the URL and
    Content-Type rules apply).
    """
    html_answer = is_html(content_type, content)
    page = read_head(content, content_type) if content and html_answer else None
    if page is None and content and (content_type or "").lower().startswith("text/plain"):
        page = _plain_page(content, content_type)
    wall = bot_wall(headers, page, code)
    if wall is not None:
        return Judgement(LinkStatus.BLOCKED, SoftKind.BOT_WALL, wall)
    if not 200 <= code < 300:
        return None
    if page is not None:
        why = parked_domain(page)
        if why is not None:
            return Judgement(LinkStatus.SOFT_404, SoftKind.PARKED_DOMAIN, why)
        why = not_found_page(page)
        if why is not None:
            return Judgement(LinkStatus.SOFT_404, SoftKind.NOT_FOUND_PAGE, why)
    if final_url != url and sent_home(url, final_url):
        return Judgement(
            LinkStatus.SOFT_404,
            SoftKind.HOME_REDIRECT,
            f"the deep link was sent to the home page {final_url}",
        )
    extension = document_extension(url)
    if extension is not None and html_answer:
        media = (content_type or "text/html").split(";", 1)[0].strip()
        why = f"the {extension} link answered with an HTML page ({media})"
        if page is not None and page.title:
            why += f" titled {_quote(page.title)}"
        return Judgement(LinkStatus.SOFT_404, SoftKind.DOCUMENT_AS_HTML, why)
    return None


def _plain_page(content: bytes, content_type: str | None) -> PageHead:
    text = " ".join(decode_text(content, content_type, SCAN_BYTES).split())
    return PageHead(
        title=None,
        og_title=None,
        h1=None,
        text=text,
        words=len(text.split()),
        source=text,
        complete=len(content) <= SCAN_BYTES,
        markup=False,
    )
