"""Custom Rasa graph components (run inside the Rasa server)."""
