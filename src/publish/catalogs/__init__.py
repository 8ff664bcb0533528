"""Message catalogues: extraction, GNU gettext–backed merging, statistics, QA and zh-Hant conversion."""
