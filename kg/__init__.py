"""trialkg: a clinical-trial knowledge graph and literature linker."""

__version__ = "0.1.0"
