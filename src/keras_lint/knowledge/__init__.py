"""Data files describing the Keras API, and their loaders (standard library only)."""
