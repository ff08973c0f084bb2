"""citeaudit: audit the citations behind a document.

Each stage is importable on its own: :mod:`citeaudit.catalog` loads a sources file,
:mod:`citeaudit.fetch` checks links, :mod:`citeaudit.archive` keeps WARC snapshots,
:mod:`citeaudit.extract` turns a snapshot into text, :mod:`citeaudit.verify` judges the
evidence, and :mod:`citeaudit.report` renders the result.
"""

__version__ = "0.1.0"
