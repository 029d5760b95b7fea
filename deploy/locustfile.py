"""Traffic for `make bench-prod` (run by bench/prod_topology.py, one locust process per phase).

CARETHREAD_MIX picks the phase:
- `bare`: only /bench/bare, the cheapest Django answer on the same topology (the baseline);
- `mixed`: what a clinic's site sees — pages, health checks, static files.
"""

import os

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

MIX = os.environ.get("CARETHREAD_MIX", "mixed")


class BareViewUser(FastHttpUser):
    """The baseline: full nginx + gunicorn + Django middleware, no database, no template."""

    wait_time = constant(0)
    weight = 1 if MIX == "bare" else 0

    @task
    def bare(self) -> None:
        self.client.get("/bench/bare", name="bare view")


class ClinicVisitor(FastHttpUser):
    """A patient's browser and the load balancer's health checks."""

    wait_time = constant(0)
    weight = 1 if MIX == "mixed" else 0

    @task(6)
    def home_page(self) -> None:
        self.client.get("/", name="home page")

    @task(2)
    def health_check(self) -> None:
        self.client.get("/healthz", name="healthz")

    @task(1)
    def stylesheet(self) -> None:
        self.client.get("/static/css/site.css", name="static css (nginx)")
