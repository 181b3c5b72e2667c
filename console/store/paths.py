"""Where the session log lives by default: the user's data folder, not the install folder."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "LiveConsole"
DB_FILENAME = "sessions.db"


def default_db_path() -> Path:
    """…/LiveConsole/sessions.db in the platform's user data dir; the folder is created."""
    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / DB_FILENAME
