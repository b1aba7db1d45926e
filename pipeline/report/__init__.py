"""What analysts open: reporting views (`sql/reporting/`), the static report page, exports and the data dictionary.

- `views.apply_views(db)`: (re)creates the `report_*` views in the warehouse, through the store's writer.
- `page.write_report(db, out)`: one self-contained HTML page with inline SVG charts of those views (drawn by `svg`).
- `export.export(db, out, fmt)`: Parquet partitioned by date for BI tools, or one DuckDB file.
- `dictionary.write_dictionary(target, db)`: the data dictionary (docs/data-dictionary.md) from COMMENT ON metadata.
- `health.warn_silent_sources(db)`: the sources of the list that have found nothing new for a number of runs.
"""
