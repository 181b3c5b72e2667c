"""The frozen app's entry point (PyInstaller runs this file as `__main__`).

`--self-test` is answered here before the app is built, so a broken install still reports what
is broken instead of failing somewhere inside start-up. Everything else goes to the normal CLI.
"""

from __future__ import annotations

import multiprocessing
import sys


def launch(argv: list[str]) -> int:
    if "--self-test" in argv:
        if not {"-v", "--verbose"} & set(argv):
            # Only the tiny stdlib-only filter: a broken install must still get to report.
            from console.native_logs import silence_native_chatter

            silence_native_chatter()
        from console.selftest import main as self_test

        return self_test([a for a in argv if a not in ("--self-test", "-v", "--verbose")])
    from console.__main__ import main, quiet_native_output

    quiet_native_output(argv)  # the frozen process is ours, as the CLI's is
    return main(argv)


if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(launch(sys.argv[1:]))
