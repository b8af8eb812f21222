"""Custom actions of the clinic assistant (rasa-sdk action server)."""
