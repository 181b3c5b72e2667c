"""Input files refused at the door: one validation layer per file the host can edit.

Each loader (settings, product catalog, presets, run-of-show) hands its parsed TOML to its schema
here before using any of it. A schema checks types and ranges and says what is wrong naming the
file, the line and the key; a bad entry is skipped (or a bad value replaced by its default) with
that note, the rest loads, and the app always starts. Kept apart from the loaders so the rules
live in one place and the loaders stay small.
"""
