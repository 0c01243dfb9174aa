"""The knowledge base without MkDocs: what ``kb check``, ``kb build`` and ``kb report``
do with ``docs/`` and ``mkdocs.yml`` when no MkDocs build is running.

:mod:`kb_builder.plugin` adapts these to MkDocs' events; nothing here imports MkDocs.
"""
