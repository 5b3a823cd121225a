"""Command-line flags for the cloud platforms' region, project and AWS profile.

Each flag sets the platform's own environment variable for this process (and so for the runs
it starts), which is where `platforms.py` reads every setting: a flag overrides the variable,
and the settings are checked, as for the variables alone, before any call. Nothing here is
stored: results, caches, ledgers and logs never see a profile name or a credential.
"""

from __future__ import annotations

import argparse
import os
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..flags import ArgumentContainer

PLATFORM_FLAGS: dict[str, tuple[str, str]] = {
    "--aws_region": ("AWS_REGION", "AWS region of the bedrock engine, e.g. us-east-1"),
    "--aws_profile": ("AWS_PROFILE", "AWS profile (in ~/.aws/config) whose credentials the bedrock engine uses"),
    "--vertex_region": ("CLOUD_ML_REGION", "Google Cloud region of the vertex engine, e.g. us-east5 or global"),
    "--vertex_project": ("ANTHROPIC_VERTEX_PROJECT_ID", "Google Cloud project id of the vertex engine"),
}
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@+=-]*$")


class _SetsEnvironment(argparse.Action):
    """Store the value and set the platform's environment variable from it."""

    def __init__(self, option_strings: list[str], dest: str, variable: str = "", **kwargs: Any):
        self.variable = variable
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, value: Any,
                 option_string: str | None = None) -> None:
        text = str(value).strip()
        if not _PLAIN.match(text):
            raise argparse.ArgumentError(self, f"expected a name such as us-east-1 or my-project (got {value!r}); "
                                               "pass it without spaces or quotes")
        os.environ[self.variable] = text
        setattr(namespace, self.dest, text)


def add_platform_arguments(parser: ArgumentContainer) -> None:
    """Add --aws_region, --aws_profile, --vertex_region and --vertex_project to a parser or group."""
    for flag, (variable, help_text) in PLATFORM_FLAGS.items():
        parser.add_argument(flag, action=_SetsEnvironment, variable=variable, default=None, metavar="NAME",
                            help=f"{help_text} (sets ${variable}, overriding it)")
