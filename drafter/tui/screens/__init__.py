"""The wizard's modal screens (imported when first needed, to keep start-up short)."""
