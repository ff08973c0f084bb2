"""The run: check the links of a catalog (``check_links``), keep every source in the store
(``archive``), and verify every claim on what was kept (``audit``). Each returns an
:class:`~citeaudit.result.AuditResult`; ``audit`` also keeps the run's report in the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.pipeline.linkcheck import OnFetch as OnFetch
    from citeaudit.pipeline.linkcheck import OnStart as OnStart
    from citeaudit.pipeline.linkcheck import check_links as check_links
    from citeaudit.pipeline.options import AuditOptions as AuditOptions
    from citeaudit.pipeline.options import OnNote as OnNote
    from citeaudit.pipeline.run import archive as archive
    from citeaudit.pipeline.run import audit as audit

exports(
    globals(),
    {
        "linkcheck": ("OnFetch", "OnStart", "check_links"),
        "options": ("AuditOptions", "OnNote"),
        "run": ("archive", "audit"),
    },
)
