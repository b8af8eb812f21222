"""Conversation storage: an erasable SQL tracker store and the retention job."""
