"""What crmkpi reads and what it says is there (issue 24, items 10 and 11).

A config reads files only in the data folder and its own folder, unless a
source says ``allow_outside: true``: a config copied from elsewhere cannot
make crmkpi print the cells of another file in its error messages. A file
named like a table that cannot be read (a broken link, a FIFO, a socket, a
device, a compressed export) is named with what to do, never a silent
"table missing"; names match without case.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from _hostile import PERIOD, Scene, kpi_values

SECRET = "root:x:0:0:secret-cell"


def _outside(scene: Scene) -> Path:
    """A folder ``conf/`` for the config and a file in ``elsewhere/``: beside
    the data folder, outside both it and the config's folder."""
    (scene.root / "conf").mkdir()
    elsewhere = scene.root / "elsewhere"
    elsewhere.mkdir()
    secret = elsewhere / "secret.csv"
    secret.write_text(f"{SECRET},b\n1,2\n", encoding="utf-8")
    return secret


@pytest.mark.parametrize("how", ["absolute", "relative", "symlink in data"])
def test_source_path_outside_the_data_folder_is_refused(scene: Scene, how: str) -> None:
    secret = _outside(scene)
    named = {"absolute": str(secret), "relative": "../elsewhere/secret.csv"}.get(how, "link.csv")
    if how == "symlink in data":
        (scene.data / "link.csv").symlink_to(secret)
    config = scene.config(f"sources:\n  customers:\n    path: {named}\n", "conf/crmkpi.yaml")
    outcome = scene.run("report", "-c", str(config), "-d", str(scene.data), *PERIOD)
    assert outcome.code == 2, outcome
    assert f"sources.customers.path: {named} is outside the data folder" in outcome.stderr
    assert "allow_outside: true" in outcome.stderr
    assert "secret-cell" not in outcome.output
    assert "Traceback" not in outcome.output


def test_query_file_outside_the_data_folder_is_refused(scene: Scene) -> None:
    secret = _outside(scene)
    config = scene.config(
        "sources:\n  customers:\n    path: customers.csv\n"
        f"    files: {{other: {secret}}}\n"
        "    query: SELECT * FROM self JOIN other ON true\n",
        "conf/crmkpi.yaml",
    )
    outcome = scene.run("report", "-c", str(config), "-d", str(scene.data), *PERIOD)
    assert outcome.code == 2, outcome
    assert f"sources.customers.files.other: {secret} is outside the data folder" in outcome.stderr
    assert "secret-cell" not in outcome.output


def test_allow_outside_reads_a_file_elsewhere(scene: Scene, baseline: dict[str, Any]) -> None:
    _outside(scene)
    moved = scene.root / "elsewhere" / "accounts.csv"
    shutil.move(scene.data / "customers.csv", moved)
    config = scene.config(
        f"sources:\n  customers:\n    path: {moved}\n    allow_outside: true\n",
        "conf/crmkpi.yaml",
    )
    outcome = scene.run("report", "-c", str(config), "-d", str(scene.data), *PERIOD, "-f", "json")
    assert outcome.code == 0, outcome
    assert kpi_values(json.loads(outcome.stdout)) == kpi_values(baseline)


def test_a_file_in_the_config_folder_is_allowed(scene: Scene, baseline: dict[str, Any]) -> None:
    shutil.move(scene.data / "customers.csv", scene.root / "accounts.csv")
    config = scene.config("sources:\n  customers:\n    path: ../accounts.csv\n")
    outcome = scene.run("report", "-c", str(config), "-d", str(scene.data), *PERIOD, "-f", "json")
    assert outcome.code == 0, outcome
    assert kpi_values(json.loads(outcome.stdout)) == kpi_values(baseline)


def test_allow_outside_must_be_true_or_false(scene: Scene) -> None:
    config = scene.config("sources:\n  customers:\n    allow_outside: yes please\n")
    outcome = scene.run("report", "-c", str(config), "-d", str(scene.data), *PERIOD)
    scene.assert_refused(
        outcome, 2, "line 3", "sources.customers.allow_outside is", "expected true or false"
    )


# --- files named like a table that cannot be read ---------------------------------------------


def _without_customers(scene: Scene) -> Path:
    path = scene.data / "customers.csv"
    path.unlink()
    return path


def test_dangling_symlink_named_like_a_table(scene: Scene) -> None:
    path = _without_customers(scene)
    path.symlink_to("exports/customers-2026-10.csv")
    outcome = scene.report()
    scene.assert_refused(
        outcome,
        3,
        f"{path}: a link to exports/customers-2026-10.csv, which does not exist",
        "fix the link or put the customers export here",
    )


def test_fifo_named_like_a_table(scene: Scene) -> None:
    path = _without_customers(scene)
    os.mkfifo(path)
    outcome = scene.report()
    scene.assert_refused(outcome, 3, f"{path}: a named pipe (FIFO), not a file", "copy the")
    assert stat.S_ISFIFO(path.lstat().st_mode)


def test_socket_named_like_a_table(scene: Scene) -> None:
    path = _without_customers(scene)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        outcome = scene.report()
    scene.assert_refused(outcome, 3, f"{path}: a socket, not a file")


def test_device_named_like_a_table(scene: Scene) -> None:
    path = _without_customers(scene)
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device needs root")
    outcome = scene.report()
    scene.assert_refused(outcome, 3, f"{path}: a device, not a file")


def test_upper_case_name_is_read(scene: Scene, baseline: dict[str, Any]) -> None:
    (scene.data / "customers.csv").rename(scene.data / "CUSTOMERS.CSV")
    outcome = scene.run("report", "-d", str(scene.data), *PERIOD, "-f", "json")
    assert outcome.code == 0, outcome
    doc = json.loads(outcome.stdout)
    assert doc["inputs"]["customers"]["path"] == "CUSTOMERS.CSV"
    assert doc["inputs"]["customers"]["rows"] == 200
    assert kpi_values(doc) == kpi_values(baseline)


def test_two_files_differing_in_case_are_ambiguous(scene: Scene) -> None:
    shutil.copy(scene.data / "customers.csv", scene.data / "Customers.csv")
    outcome = scene.report()
    scene.assert_refused(
        outcome, 3, "table customers is in several files (Customers.csv, customers.csv); keep one"
    )


def test_gzipped_export(scene: Scene) -> None:
    path = _without_customers(scene)
    packed = path.with_name("customers.csv.gz")
    packed.write_bytes(gzip.compress(b"customer_id,created_at\n"))
    outcome = scene.report()
    scene.assert_refused(
        outcome, 3, f"{packed}: a compressed file (gzip)", "gunzip -k customers.csv.gz"
    )


def test_zipped_export(scene: Scene) -> None:
    path = _without_customers(scene)
    packed = path.with_name("customers.zip")
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("customers.csv", "customer_id,created_at\n")
    outcome = scene.report()
    scene.assert_refused(outcome, 3, f"{packed}: a compressed file (zip)", "unzip customers.zip")


def test_a_compressed_copy_beside_the_export_is_ignored(scene: Scene) -> None:
    packed = scene.data / "customers.csv.gz"
    packed.write_bytes(gzip.compress((scene.data / "customers.csv").read_bytes()))
    outcome = scene.run("report", "-d", str(scene.data), *PERIOD, "-f", "json")
    assert outcome.code == 0, outcome
    assert json.loads(outcome.stdout)["inputs"]["customers"]["rows"] == 200
