"""linker: record linkage and deduplication."""
