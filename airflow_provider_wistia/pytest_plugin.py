"""pytest fixtures for testing DAGs that use this provider (placeholder, filled in below)."""
