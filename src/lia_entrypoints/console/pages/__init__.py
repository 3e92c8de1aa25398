"""The console's pages, one module per area; each calls the same use cases as the API."""
