"""Built-in plugins, one package each; each exposes a module-level ``plugin``."""
