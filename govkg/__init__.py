"""govkg: a knowledge graph of Chinese local-government rule-of-law measures."""

__version__ = "0.1.0"
