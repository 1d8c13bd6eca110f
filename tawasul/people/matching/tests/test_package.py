import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_the_engine_imports_and_runs_without_django():
    code = (
        "import sys\n"
        "from tawasul.people.matching import compare, PersonRecord\n"
        "r = compare(PersonRecord(1, names_ar='محمد'), PersonRecord(2, names_latin='Mohamed'))\n"
        "assert r.reasons\n"
        "assert 'django' not in sys.modules, 'the engine must not import Django'\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
