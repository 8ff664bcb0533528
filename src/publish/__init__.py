"""publish: structured profile sources to bilingual English/Chinese books."""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
