"""The use cases the commands call: each takes an options value, does the work through the
pure core and the readers, and returns a typed result that a reporter renders.

``score`` (the score pipeline, and ``parallel`` for ``score --jobs``), ``explain``,
``availability``, ``hours`` and ``alert``. The CLI only parses options and calls them.
"""
