"""Pure domain model: values, aggregates and rules. No I/O, no clock, no randomness."""
