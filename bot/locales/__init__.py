"""User-facing text. English only for now; every string a learner reads lives here."""
