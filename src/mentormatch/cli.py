"""The ``mentormatch`` command (placeholder until the foundation lands)."""

def main() -> int:
    return 0
