"""Benchmark suite of the app (issue #8); run with ``.venv/bin/python -m bench``.

Not imported by the tests. Sections: map (app vs naive vs floor), streamlit (AppTest
reruns), browser (headless Chromium), locate, import, cold start; results in BENCHMARKS.md.
"""
