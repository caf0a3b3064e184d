"""Where a server's CPU goes under a benchmark: py-spy samples, and what they add up to.

`sampling(servers, seconds, folder, label)` runs `py-spy record` against each server's process
for one measured window (py-spy reads the process from outside: the server runs as deployed,
unchanged). Each writes `<folder>/<label>-<server>.txt` in py-spy's raw (collapsed stack)
format, which speedscope and flamegraph tools read.

`.venv/bin/python -m bench.profiling FILE... [--top N]` prints, for each file, the functions
holding most of the samples: their own (the frame on top) and inclusive (anywhere on the
stack) share. Grouped by function and file, not by line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import sys
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.bus import ROOT

if TYPE_CHECKING:
    from bench.gateway import Server

SAMPLES_PER_SECOND = 199  # not a multiple of any timer the servers run
# A frame as py-spy writes it: `function (path/to/file.py:line)`.
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


@contextlib.asynccontextmanager
async def sampling(
    servers: Sequence[Server], seconds: float, folder: Path | None, label: str
) -> AsyncIterator[list[Path]]:
    """py-spy on each server for `seconds` from now; the files (in `folder`, which exists),
    complete once the block ends. Without a folder, nothing is sampled."""
    if folder is None:
        yield []
        return
    files = [folder / f"{label}-{server.name}.txt" for server in servers]
    recorders = [
        await asyncio.create_subprocess_exec(
            _py_spy(),
            *("record", "--pid", str(server.pid), "--duration", str(max(1, round(seconds)))),
            *("--rate", str(SAMPLES_PER_SECOND), "--format", "raw", "--nonblocking"),
            *("--output", str(path)),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        for server, path in zip(servers, files, strict=True)
    ]
    try:
        yield files
    finally:
        for recorder in recorders:
            try:
                await asyncio.wait_for(recorder.wait(), seconds + 30)
            except TimeoutError:
                recorder.kill()
                await recorder.wait()


def add_profile_option(parser: argparse.ArgumentParser) -> None:
    """A benchmark's `--profile DIR`: sample each server in each phase's window into DIR."""
    parser.add_argument(
        "--profile",
        type=_folder,
        help="sample each server with py-spy in each phase's window into this folder"
        " (read with python -m bench.profiling)",
    )


def _folder(text: str) -> Path:
    folder = Path(text)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _py_spy() -> str:
    """The py-spy of this environment (installed beside the interpreter)."""
    return str(Path(sys.executable).with_name("py-spy"))


@dataclass(frozen=True)
class Profile:
    """One file's samples: how many, and per function its own and inclusive count."""

    samples: int
    own: Counter[str]
    inclusive: Counter[str]

    @classmethod
    def read(cls, path: Path) -> Profile:
        """A raw py-spy file: `frame;frame;...;frame count` per line (outermost first)."""
        own: Counter[str] = Counter()
        inclusive: Counter[str] = Counter()
        total = 0
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not stack or not count_text.isdigit():
                continue
            count = int(count_text)
            frames = [function_of(frame) for frame in stack.split(";")]
            total += count
            own[frames[-1]] += count
            for function in set(frames):
                inclusive[function] += count
        return cls(total, own, inclusive)

    def lines(self, top: int) -> list[str]:
        """The `top` functions by own samples, then by inclusive samples, in percent."""
        total = max(self.samples, 1)
        rows = [f"{self.samples} samples; own %"]
        rows += [f"  {100 * n / total:5.1f}  {f}" for f, n in self.own.most_common(top)]
        rows.append("inclusive %")
        rows += [f"  {100 * n / total:5.1f}  {f}" for f, n in self.inclusive.most_common(top)]
        return rows


def function_of(frame: str) -> str:
    """`function (file)` of a frame, without its line: a function's lines add up."""
    match = _FRAME.match(frame.strip())
    if match is None:
        return frame.strip()
    file = match["file"]
    # Shorter: from the package on (site-packages/sqlalchemy/..., services/licensing/...).
    for marker in ("site-packages/", f"{ROOT}/", "lib/python3"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{match['function']} ({file})"


def main(argv: list[str] | None = None) -> None:
    """Print each file's summary."""
    parser = argparse.ArgumentParser(prog="python -m bench.profiling", description=__doc__)
    parser.add_argument("files", nargs="+", type=Path, help="raw py-spy files")
    parser.add_argument("--top", type=int, default=25, help="functions listed per kind")
    args = parser.parse_args(argv)
    for path in args.files:
        print(f"== {path.name}")
        print("\n".join(Profile.read(path).lines(args.top)))


if __name__ == "__main__":
    main()
