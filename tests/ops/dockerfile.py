"""Play the Dockerfile without a Docker engine (CI machines have none).

Each FROM python:3.11-slim becomes a fresh venv (the image's Python) and a folder standing for
the image's `/`; WORKDIR, ENV, ARG and COPY (also `--from=stage`) act on that folder, and each
`&&` part of a RUN runs in bash with the stage's ENV, its venv first on PATH and absolute paths
moved under the folder. Commands that manage the image's users (groupadd, useradd, chown) are
not played: they would change this machine, and the test server runs as the current user.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import venv
from dataclasses import dataclass, field
from pathlib import Path

from tests.live import PROJECT_ROOT

DOCKERFILE = PROJECT_ROOT / "Dockerfile"
USER_COMMANDS = ("groupadd", "useradd", "chown")
ABSOLUTE_PATH = re.compile(r"(?<=[\s=])/(?=\w)")


@dataclass
class Stage:
    """One FROM of the Dockerfile: its filesystem root, its Python, its WORKDIR and ENV."""

    root: Path
    python_home: Path
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)

    def path(self, image_path: str) -> Path:
        """Where an image path (absolute, or relative to WORKDIR) lies on this machine."""
        absolute = image_path if image_path.startswith("/") else f"{self.workdir}/{image_path}"
        return self.root / absolute.lstrip("/")

    @property
    def bin(self) -> Path:
        return self.python_home / "bin"


def instructions(text: str | None = None) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text() if text is None else text)
    found = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            word, _, rest = line.strip().partition(" ")
            found.append((word, rest.strip()))
    return found


def stages_of(steps: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """The steps split at each FROM (each list starts with its FROM)."""
    split: list[list[tuple[str, str]]] = []
    for word, args in steps:
        if word == "FROM":
            split.append([])
        split[-1].append((word, args))
    return split


def new_stage(folder: Path) -> Stage:
    """A fresh image: an empty root and a Python of its own (what python:3.11-slim gives)."""
    folder.mkdir(parents=True)
    venv.create(folder / "python", with_pip=True)
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DASHBOARD_", "PIP_REQUIRE_VIRTUALENV"))
        and k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")
    }
    stage = Stage(root=folder / "root", python_home=folder / "python", env=inherited)
    stage.env["PATH"] = f"{stage.bin}:{os.environ.get('PATH', '/usr/bin:/bin')}"
    stage.root.mkdir()
    return stage


def copy(stage: Stage, args: str, stages: dict[str, Stage]) -> None:
    """COPY [--from=NAME] SOURCE... TARGET, from the build context or an earlier stage."""
    *sources, target = args.split()
    origin = None
    if sources[0].startswith("--from="):
        origin = stages[sources.pop(0).split("=", 1)[1]]
    for source in sources:
        found = origin.path(source) if origin else PROJECT_ROOT / source
        destination = stage.path(target)
        if target.endswith("/"):
            destination = destination / found.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if found.is_dir():
            shutil.copytree(found, destination, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(found, destination)


def run(stage: Stage, args: str) -> None:
    """RUN a && b: each part in bash, inside the stage, except the user management commands."""
    for part in args.split(" && "):
        if part.split()[0] in USER_COMMANDS:
            continue
        command = ABSOLUTE_PATH.sub(f"{stage.root}/", part)
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=stage.path(stage.workdir),
            env=stage.env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, f"RUN {part}\n{done.stdout}\n{done.stderr}"


def play(folder: Path) -> Stage:
    """Play every instruction; return the final stage (the image that runs)."""
    stages: dict[str, Stage] = {}
    stage = None
    for number, steps in enumerate(stages_of(instructions())):
        stage = new_stage(folder / f"stage-{number}")
        (word, args), *rest = steps
        stages[args.partition(" AS ")[2] or str(number)] = stage
        for word, args in rest:
            if word == "WORKDIR":
                stage.workdir = args
                stage.path(args).mkdir(parents=True, exist_ok=True)
            elif word in ("ENV", "ARG"):
                stage.env.update(pair.split("=", 1) for pair in shlex.split(args) if "=" in pair)
            elif word == "COPY":
                copy(stage, args, stages)
            elif word == "RUN":
                run(stage, args)
    return stage


def image_command(stage: Stage, command: list[str]) -> list[str]:
    """An ENTRYPOINT or HEALTHCHECK command as it runs in the image: `python` and console
    scripts from the image's Python, absolute paths under its root."""
    first = command[0]
    program = stage.bin / first if (stage.bin / first).exists() else Path(first)
    rest = [str(stage.path(part)) if part.startswith("/") else part for part in command[1:]]
    return [str(program), *rest]
