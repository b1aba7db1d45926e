"""What analysts open: reporting views (`sql/reporting/`), the static report page, exports and the data dictionary.

- `views.apply_views(db)`: (re)creates the `report_*` views in the warehouse, through the store's writer.
- `html.write_report(db, out)`: one self-contained HTML page with inline SVG charts of those views.
- `export.export(db, out, fmt)`: Parquet partitioned by date for BI tools, or one DuckDB file.
- `dictionary.write_dictionary(target, db)`: the data dictionary (docs/data-dictionary.md) from COMMENT ON metadata.
"""
