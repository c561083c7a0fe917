"""Text analysis in plain Python: no Django imports here, so it is tested and benchmarked alone."""
