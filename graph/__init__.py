"""The graph: schema, the store interface and its two implementations, export."""
