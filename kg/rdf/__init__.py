"""Model -> RDF. Knows nothing of files or HTTP: it turns dataclasses into triples."""
