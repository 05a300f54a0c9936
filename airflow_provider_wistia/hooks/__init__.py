"""Hooks of the Wistia provider."""
