"""Flexibility: community hours, hospital stays and provider-led changes as trusted assessor."""
