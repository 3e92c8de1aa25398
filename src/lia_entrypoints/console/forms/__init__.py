"""The shapes of the console's forms (URL-encoded bodies), one module per area."""
