"""caseworker-bot: a Telegram assistant for the integration managers of the Ortenaukreis."""

import os

# One BLAS thread, set before anything imports numpy. The bot answers many small questions
# at once; OpenBLAS would otherwise split each question's matrix product (passages times the
# question vector) over every core and keep its threads spinning, which measured twice the
# CPU time per question for the same wall time, and on a core shared with the event loop
# slower answers (docs/benchmarks.md). An operator's own setting wins.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

__version__ = "0.1.0"
