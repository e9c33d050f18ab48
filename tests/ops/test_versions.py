"""Versions come from git tags (setuptools-scm) and still resolve without a tag or without git."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile

import pytest

from tests.live import PROJECT_ROOT


def git(cwd, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True, timeout=120
    ).stdout


def scm_version(cwd, **env: str) -> str:
    full = {k: v for k, v in os.environ.items() if not k.startswith("SETUPTOOLS_SCM")}
    full.update(env)
    done = subprocess.run(
        [sys.executable, "-m", "setuptools_scm"],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory):
    """A fresh clone of this repository's committed HEAD, without any tag (like CI's)."""
    target = tmp_path_factory.mktemp("clone") / "repo"
    git(PROJECT_ROOT.parent, "clone", "--quiet", "--no-tags", str(PROJECT_ROOT), str(target))
    for tag in git(target, "tag").split():
        git(target, "tag", "-d", tag)
    return target


def test_an_untagged_clone_gets_a_dev_version_with_the_commit(fresh_clone):
    sha = git(fresh_clone, "rev-parse", "--short=7", "HEAD").strip()
    version = scm_version(fresh_clone)
    assert re.fullmatch(r"0\.\d+\.\d+\.dev\d+\+g[0-9a-f]+", version), version
    assert sha[:7] in version


def test_a_release_candidate_tag_then_the_release_tag(fresh_clone):
    git(fresh_clone, "tag", "-a", "v2.3.0-rc1", "-m", "rc1")
    assert scm_version(fresh_clone) == "2.3.0rc1"
    time.sleep(1.1)  # git orders tags of one commit by their time, to the second
    git(fresh_clone, "tag", "-a", "v2.3.0", "-m", "release")  # promoted: same commit
    assert scm_version(fresh_clone) == "2.3.0"


def test_a_copy_without_git_uses_the_build_argument_or_the_fallback(fresh_clone, tmp_path):
    copy = tmp_path / "context"
    shutil.copytree(fresh_clone, copy, ignore=shutil.ignore_patterns(".git"))
    assert scm_version(copy) == "0.0.0"
    assert scm_version(copy, SETUPTOOLS_SCM_PRETEND_VERSION="2.3.0rc1") == "2.3.0rc1"


def test_the_wheel_of_a_tagged_clone_carries_the_tag(fresh_clone, tmp_path):
    # The clone is shared by this module: drop the tags other tests put on the same commit,
    # since git picks among tags of one commit by their time, and they may share a second.
    for tag in git(fresh_clone, "tag").split():
        git(fresh_clone, "tag", "-d", tag)
    git(fresh_clone, "tag", "-a", "v3.1.4", "-m", "v3.1.4")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(fresh_clone),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = tmp_path.glob("minimarket_dash-*.whl")
    assert wheel.name.startswith("minimarket_dash-3.1.4-")
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith("METADATA"))
        assert "Version: 3.1.4" in archive.read(metadata).decode()


def test_the_build_has_no_deprecation_warning(fresh_clone, tmp_path):
    # setuptools warned that the `project.license` table stops building after 2027-02-18.
    # Built from a clone: a build in the checkout leaves minimarket_dash.egg-info there, whose
    # version a server started in the checkout would report.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-v",
            "-w",
            str(tmp_path),
            str(fresh_clone),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    output = done.stdout + done.stderr
    for warning in ("Deprecat", "deprecated", "2027", "BuildBackendWarning"):
        assert warning not in output, output[max(0, output.find(warning) - 800) :][:1600]
    (wheel,) = tmp_path.glob("minimarket_dash-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith("METADATA"))
        assert "License-Expression: LicenseRef-Proprietary" in archive.read(metadata).decode()
