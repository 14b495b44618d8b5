"""Cohorts: thyref over whole populations, one Parquet row per patient.

- ``thyref.cohort.record``: one input record -> one output row, or one error entry;
- ``thyref.cohort.sources``: case folders, NDJSON files and FHIR Bulk Data exports, cut
  into numbered chunks that can be processed anywhere and in any order;
- ``thyref.cohort.runner``: the local engine (process pool, Parquet parts, manifest, resume);
- ``thyref.cohort.spark``: the same per-record core through PySpark;
- ``thyref.cohort.summary``: DuckDB over the Parquet output, as text or HTML.
"""
