"""The engine's flow toolkit (task nodes, step permissions) and its own flow, the letter."""
