"""SQL only: repositories never commit and never decide business rules."""
