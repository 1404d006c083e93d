"""``python -m paradiplomacy.cli``: the same as the ``paradiplomacy`` command."""

from paradiplomacy.cli import app

app()
