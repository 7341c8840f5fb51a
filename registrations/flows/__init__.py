"""Viewflow flows of the registration agenda (A1, A2a, A2b, A3) and their shared proceeding steps."""
