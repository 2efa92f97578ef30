"""archivekg: archival documents into a linked-data knowledge graph."""

__version__ = "0.1.0"
