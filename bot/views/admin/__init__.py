"""The admin's screens: one module per admin feature."""
