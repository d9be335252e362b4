"""Provider-led changes to a package's hours, their consent and the social worker's queue."""
