"""The user-facing checker's import path kept from before the split: everything lives in
:mod:`derivations.check` (the kinds table, properties, conventions, runner and CLI).

``from derivations.testing import check, assert_cccp_step, reference, check_main, …`` keeps
working; ``python -m derivations.testing`` runs ``beyond-scaling check``.
"""

import sys

from derivations.check import *  # noqa: F403 - the public API, re-exported
from derivations.check import __all__  # noqa: F401

if __name__ == "__main__":
    from derivations.check import check_main

    sys.exit(check_main())
