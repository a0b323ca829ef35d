"""The bundled note and call-script templates (Jinja2, plain text).

``daemon.compose.composer.Composer`` loads them from here. A file of the same name in the
user's ``templates_dir`` replaces one of them, so users can reword their notes
without touching the package; each template lists the variables it can use.
"""
