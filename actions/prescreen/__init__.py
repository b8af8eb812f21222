"""Eligibility pre-screen: pure criteria and extraction, and the thin Rasa glue in form.py."""
