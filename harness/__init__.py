"""Starting the app, nginx and a network-cut browser page, for tests and benchmarks.

Not part of the product: nothing in the app imports it. It lives outside ``tests/`` so that
``bench/`` can use the same launchers without importing the test suite.
"""
