"""`python -m homecare.cli`: the same command as the `homecare` console script."""

from homecare.cli import app

app()
