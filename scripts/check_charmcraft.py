"""Checks the charm project with charmcraft's own code; check-charmcraft.sh runs it in its venv.

1. `charmcraft expand-extensions`, once per platform of charmcraft.yaml
   (CRAFT_PLATFORM selects it): charmcraft reads charmcraft.yaml, merges
   metadata.yaml, config.yaml and actions.yaml into it (charmcraft.preprocess)
   and validates the result with the project model that `charmcraft pack`
   parses the project with (charmcraft.models.project.PlatformCharm), parts
   and their plugins included. It needs no LXD, snapd or network.
2. config.yaml against charmcraft.models.config.JujuConfig. The project model
   takes `config` as any mapping, so a bad option type would otherwise pass
   `charmcraft pack` and only be refused by Juju at deploy time.
3. With --charm FILE: `charmcraft analyse FILE`, charmcraft's linters on a
   packed charm. A linter error fails the check; warnings are printed.

Exits 1 with charmcraft's own message when any of them refuses the project.
Usage: python check_charmcraft.py PROJECT_DIR [--charm FILE]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import pydantic
import yaml
from charmcraft.models.config import JujuConfig


def charmcraft_env(runtime_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    # charmcraft (platformdirs) warns on every run without a private runtime dir.
    env["XDG_RUNTIME_DIR"] = runtime_dir
    return env


def charmcraft_bin() -> str:
    return str(pathlib.Path(sys.executable).with_name("charmcraft"))


def fail(message: str) -> None:
    print(f"check-charmcraft: {message}", file=sys.stderr)
    sys.exit(1)


def platforms_of(project: pathlib.Path) -> list[str | None]:
    """The platform names charmcraft.yaml declares; [None] (charmcraft's default) if it declares none it can name."""
    try:
        raw = yaml.safe_load((project / "charmcraft.yaml").read_text())
    except (OSError, yaml.YAMLError):
        return [None]  # charmcraft reports what is wrong with the file
    platforms = raw.get("platforms") if isinstance(raw, dict) else None
    return list(platforms) if isinstance(platforms, dict) and platforms else [None]


def check_project(project: pathlib.Path, env: dict[str, str]) -> None:
    for platform in platforms_of(project):
        run_env = dict(env)
        if platform is not None:
            run_env["CRAFT_PLATFORM"] = str(platform)
        result = subprocess.run(
            [charmcraft_bin(), "expand-extensions"],
            cwd=project,
            env=run_env,
            capture_output=True,
            text=True,
            check=False,
        )
        where = f"platform {platform}" if platform is not None else "the default platform"
        if result.returncode != 0:
            sys.stderr.write(result.stderr)
            fail(f"charmcraft refused the project for {where} (charmcraft expand-extensions exited {result.returncode})")
        expanded = yaml.safe_load(result.stdout)
        options = (expanded.get("config") or {}).get("options") or {}
        actions = expanded.get("actions") or {}
        parts = expanded.get("parts") or {}
        print(
            f"charmcraft.yaml + metadata.yaml + config.yaml + actions.yaml: accepted by charmcraft's project model for {where} "
            f"(charm {expanded.get('name')}, base {expanded.get('base')}, parts {', '.join(parts)}, "
            f"{len(options)} config options, {len(actions)} actions)"
        )


def check_config(project: pathlib.Path) -> None:
    path = project / "config.yaml"
    if not path.exists():
        return
    try:
        JujuConfig.model_validate(yaml.safe_load(path.read_text()))
    except pydantic.ValidationError as error:
        fail(f"config.yaml: {error}")
    print("config.yaml: accepted by charmcraft.models.config.JujuConfig")


def analyse(charm: pathlib.Path, env: dict[str, str]) -> None:
    result = subprocess.run(
        [charmcraft_bin(), "analyse", "--format", "json", str(charm)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        checks = json.loads(result.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(result.stderr)
        fail(f"charmcraft analyse {charm.name} exited {result.returncode} without a report")
    print(f"charmcraft analyse {charm.name}:")
    for check in checks:
        text = f" {check['text']}" if check.get("text") else ""
        print(f"  {check['check_type']:9} {check['name']:19} {check['result']}{text}")
    errors = [check["name"] for check in checks if check["check_type"] == "lint" and check["result"] == "error"]
    if errors:
        fail(f"charmcraft's linters found errors in {charm.name}: {', '.join(errors)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("project", type=pathlib.Path)
    parser.add_argument("--charm", type=pathlib.Path)
    args = parser.parse_args()
    project = args.project.resolve()
    print(f"charmcraft {importlib.metadata.version('charmcraft')} (from PyPI, in {pathlib.Path(sys.prefix)})")
    with tempfile.TemporaryDirectory(prefix="charmcraft-runtime-") as runtime_dir:
        env = charmcraft_env(runtime_dir)
        check_project(project, env)
        check_config(project)
        if args.charm is not None:
            analyse(args.charm.resolve(), env)


if __name__ == "__main__":
    main()
