"""The audit of registry accounts: the sweep (``sweep``), its console view (``console``),
what changed since an earlier audit (``changes``), and reading and merging audit reports
(``report_reader``, ``merge``)."""
