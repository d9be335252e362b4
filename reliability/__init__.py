"""The release battery: runs that try the platform beyond its tests (`python -m reliability`)."""
