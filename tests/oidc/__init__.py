"""A local OpenID Connect provider for the citizen login's tests and for local trials."""
