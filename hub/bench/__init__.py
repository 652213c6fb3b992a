"""Benchmarks behind ``onewindow bench``: each measures one part of the hub in one run."""
