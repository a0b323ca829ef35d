from tests.google_standin.fixtures import google_credentials, google_standin

__all__ = ["google_credentials", "google_standin"]
