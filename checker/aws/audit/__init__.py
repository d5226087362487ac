"""The audit of registry accounts: the sweep of one account and region (``sweep``), of many
accounts (``fleet``: from an accounts file, ``accounts``, or AWS Organizations,
``discovery``), which shard or work items a process audits (``sharding``, ``items``), its
console view (``console``), what changed since an earlier audit (``changes``), and reading
and merging audit reports (``report_reader``, ``merge``)."""
