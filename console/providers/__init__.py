"""Platform adapters; one folder per platform."""
