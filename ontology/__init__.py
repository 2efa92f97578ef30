"""The archivekg ontology (archivekg.ttl) and its SHACL shapes (shapes.ttl), shipped as package data."""
