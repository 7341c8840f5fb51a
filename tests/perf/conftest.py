# Benchmarks live here (bench_*.py); they are scripts run by `manage.py bench`, never tests.
collect_ignore_glob = ["*.py"]
