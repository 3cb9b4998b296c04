"""Offline mode, set by the program itself: no run ever waits on the model hub.

Called by the CLI's entry point and the service's app factory before transformers is imported
(huggingface_hub reads these variables once, at import). A variable the user set is kept, so
`HF_HUB_OFFLINE=0 triage train --base-model org/name` can still reach a hub on purpose.
"""

import os

OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")


def go_offline() -> None:
    for name in OFFLINE_VARIABLES:
        os.environ.setdefault(name, "1")
