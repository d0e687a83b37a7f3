"""`make bench`: the service measured at national scale. See README.md, "Benchmarks"."""
