"""SQLite session log: schema + migrations, one batched writer thread, read helpers.

Qt-free by rule: nothing here imports PySide6 or qasync.
"""
