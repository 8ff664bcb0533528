"""``publish catalog …``: filled in by the catalogue commands."""

import click


@click.group()
def catalog() -> None:
    """Extract, update, merge, compile, check and convert message catalogues."""
