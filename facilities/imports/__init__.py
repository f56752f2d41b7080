"""Reading and checking an upload of annual counts (CSV or XLSX). Reads only; no writes.

`parse_upload` turns a file into plain rows (JSON-safe, so a preview can be stored and checked
again on confirmation) or file-level errors; `validate_rows` classifies every row as new,
changed, unchanged or error against the database as it is now, with a reason a person can act on."""
