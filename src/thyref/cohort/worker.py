"""What every cohort worker process needs, loaded once before the workers are forked.

The local engine's pool starts its workers from a forkserver that imports this module:
each worker then starts with the engine, pyarrow's Parquet writer, the checked rules,
the therapy table and the message catalogue already in memory (shared, copy-on-write)
instead of loading them itself.

pyarrow also imports pandas the first time it builds an array (to recognise a
DataFrame): about 0.25 s of CPU that every worker paid once. Building one array here
makes the forkserver pay it once for all of them.
"""

from __future__ import annotations

import pyarrow
import pyarrow.parquet

from thyref.cohort import runner  # noqa: F401
from thyref.domain import messages, rules, therapies

pyarrow.array([0])
rules.load_rules()
messages.catalogue()
therapies.load_therapies()
