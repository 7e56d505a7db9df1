"""Reading reports: files → text → typed records (see `ingest.pipeline`)."""
