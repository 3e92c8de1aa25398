"""``python -m lia_entrypoints.stub_provider``: serve the stub provider."""

from lia_entrypoints.stub_provider import main

main()
