"""The community's rules with no Django inside: ranking, trust levels, comment trees, the
preview document and template archives. Tested and benchmarked alone."""
