"""The benchmark suite of issue 6: minigrad against NumPy written by hand
(the floor) and the peers that are installed. Run `python benchmarks/run.py`."""
