"""The agreement workspace on disk: safe YAML, the structure and its JSON Schema, the loader, semantic checks, clone/renew edits."""
