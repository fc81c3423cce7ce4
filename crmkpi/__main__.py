"""``python -m crmkpi``: the same entry point as the ``crmkpi`` command."""

from crmkpi.cli_process import console

console()
