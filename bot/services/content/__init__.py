"""Course files: parse and validate them, import them idempotently, export the database as one.

A course file is a YAML stream, one document per module (the format is in DESIGN.md, "Course
file"). A file is checked whole before anything is written: every problem is reported, each
prefixed by its path, and a file with any problem is refused.

`model` is the content model, the one home of every field's rule and limit: `parse` validates a
file through it (its errors worded by `problems`), and `fields` the chat's authoring steps, one
field each. `spec` holds the plain values parsing produces, `importer` and `exporter` move them
into and out of the database, `upload` previews and applies a file an admin sends, and
`sample` seeds the bundled sample course.
"""
