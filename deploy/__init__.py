"""Production deployment files: gunicorn settings and logging, nginx site, systemd units, environment template.

The harness that runs them on loopback for the tests and the benchmark lives in tests/topology/."""
