"""xreg: checks cross-account Amazon SageMaker model registrations before they fail."""

__version__ = "0.1.0"
