"""Benchmarks: run with `./practice bench`; results are committed under bench/results/."""
