"""Prepress: printer profiles, print-file finishing (pikepdf) and the cover wrap."""
