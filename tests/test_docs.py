import os
import subprocess
import sys

from conftest import ROOT


def test_generated_docs_are_up_to_date():
    result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "generate_docs.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
