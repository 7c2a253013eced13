"""The hand-off to the municipality's own systems: the event document and its signing."""
