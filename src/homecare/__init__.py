"""homecare: neighbourhood home care run together by a council, the NHS and providers."""

__version__ = "0.1.0"
