"""The test harness for the production topology on loopback (`make e2e-prod`, `make bench-prod`).

It runs the shipped deploy/ files (nginx site, gunicorn settings) as children of the test process:
harness.py starts and stops everything, processes.py owns the child processes, nginx_render.py
rewrites only the marked values of deploy/nginx/carethread.conf, twilio_recorder.py fronts the Twilio
contract mock, scenario*.py drive it like a clinic would and audit the outcome.
"""
