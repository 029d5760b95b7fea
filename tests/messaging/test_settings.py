import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def load_settings(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"MESSAGING_QUIET_HOURS_START": "9pm"}, "MESSAGING_QUIET_HOURS_START must be a time like 21:00"),
        ({"MESSAGING_SENDING_TIMEOUT_SECONDS": "20"}, "at least 3 x TWILIO_HTTP_TIMEOUT"),
        (
            {
                "MESSAGING_BACKEND": "twilio",
                "TWILIO_ACCOUNT_SID": "AC1",
                "TWILIO_AUTH_TOKEN": "x",
                "TWILIO_SMS_FROM": "",
                "TWILIO_WHATSAPP_FROM": "",
                "TWILIO_MESSAGING_SERVICE_SID": "",
            },
            "needs a sender",
        ),
    ],
)
def test_bad_messaging_settings_stop_the_start_with_a_clear_message(env, words):
    done = load_settings(**env)
    assert done.returncode != 0
    assert words in done.stderr
