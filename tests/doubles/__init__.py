"""Local stand-ins for real platforms on 127.0.0.1, speaking their wire formats byte for byte and
misbehaving on request. Used by tests and by `python -m tests.doubles` for headless runs."""
