"""Name matching (see the package docstring in __init__)."""
