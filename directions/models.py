"""directions models."""
