"""`/bench/bare`, bench-prod's baseline view, exists only when BENCH_BARE_VIEW is on."""

from django.test import override_settings


def test_bare_view_is_not_found_by_default(client):
    response = client.get("/bench/bare", HTTP_ACCEPT="application/json")
    assert response.status_code == 404


@override_settings(BENCH_BARE_VIEW=True)
def test_bare_view_answers_json_when_enabled(client):
    response = client.get("/bench/bare")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
