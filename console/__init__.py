"""Live Console — the desktop console for live-commerce hosts."""

__version__ = "0.1.0"
APP_NAME = "Live Console"
