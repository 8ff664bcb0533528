"""publish: structured profile sources to bilingual English/Chinese books."""

import os as _os
import sys as _sys

INTERRUPTED = "publish: interrupted; outputs left as they were"
"""The one line Ctrl-C prints, at any moment (exit 130)."""

if _os.path.basename(_sys.argv[0] if _sys.argv else "") == "publish":  # the console script, from its first line
    import _signal  # the C module: ``signal`` would import enum first

    def _interrupted_at_start(signum, frame):  # type: ignore[no-untyped-def] # noqa: ANN001, ANN202
        _os.write(2, INTERRUPTED.encode() + b"\n")  # nothing is written before a command runs
        _os._exit(130)

    if _signal.getsignal(_signal.SIGINT) != _signal.SIG_IGN:  # started ignoring it (`cmd &`): keep so
        _signal.signal(_signal.SIGINT, _interrupted_at_start)  # publish.cli takes over when the command starts

import logging  # noqa: E402 - after the handler: importing takes most of the start-up time

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
