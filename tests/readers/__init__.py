"""Real reading systems (Calibre) reading the sample EPUBs back: run by ``make check-readers``."""
