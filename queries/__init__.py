"""The example queries (*.rq), shipped as package data for `archivekg query --list` and the editor."""
