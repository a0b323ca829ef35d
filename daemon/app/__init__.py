"""The application: configuration, the backend registry, the composition root, the CLI."""
