"""Course files: parse and validate them, import them idempotently, export the database as one.

A course file is a YAML stream, one document per module (the format is in DESIGN.md, "Course
file"). A file is checked whole before anything is written: every problem is reported, each
prefixed by its path, and a file with any problem is refused.

`spec` holds the parsed shapes, `parse` and `checks` read and validate a file without touching
the database (the admin feature reuses them), `importer` and `exporter` move specs into and out
of the database, and `sample` seeds the bundled sample course.
"""
