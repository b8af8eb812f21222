"""Input channels hardened for the public internet."""
