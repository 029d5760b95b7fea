"""Production deployment: gunicorn/nginx/systemd files, the topology harness and its benchmark."""
