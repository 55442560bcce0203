"""The audit log, for plugins: ``ctx.app.audit`` (:class:`Audit`) and the synchronous
:func:`record` to use inside a ``db.write`` function, so an action's own rows and its audit
entry commit together."""

from shequn.internal.audit import AUTO, Audit, Audited, AuditRecord, action_counts, record

__all__ = ["AUTO", "Audit", "AuditRecord", "Audited", "action_counts", "record"]
