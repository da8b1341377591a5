"""`python -m rasa_ext run …`: Rasa's own command line, with our process fixes installed.

The fixes (each module says why): `action_results` validates action-server answers with
a schema compiled once; `event_types` finds event classes from a table. Everything else
is Rasa's CLI unchanged, so every `rasa` option works; scripts/stack.py and tests/bot
start the Rasa server through here.
"""
from __future__ import annotations

from rasa.__main__ import main

from rasa_ext import action_results, event_types

if __name__ == "__main__":
    action_results.install()
    event_types.install()
    main()
