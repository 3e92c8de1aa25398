"""Entrypoints: the HTTP service, the CLI and the worker. The only code that reads settings."""
