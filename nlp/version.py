"""The package version, read from the installed distribution's metadata."""

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "support-triage"

try:
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
