"""Summarises py-spy collapsed stacks (bench/run.py --profile): where the workers' time goes.

    python bench/profile_summary.py var/bench/profile-sqlite-me.txt [--top 25]

Prints the share of samples per function, counted once per stack ("inclusive"), and the
share spent idle (waiting in accept/select for the next request).
"""

import argparse
import collections
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--match", default="", help="only frames containing this text")
    args = parser.parse_args()
    inclusive: collections.Counter[str] = collections.Counter()
    total = idle = 0
    for line in args.file.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        samples = int(count)
        total += samples
        frames = stack.split(";")
        if any(f.startswith(("wait (gunicorn", "sleep (gunicorn")) for f in frames[-2:]) or (
            "select (selectors.py" in frames[-1] or "accept (socket.py" in frames[-1]
        ):
            idle += samples
        for frame in set(frames):
            if args.match in frame:
                inclusive[frame] += samples
    print(f"{total} samples, idle {100 * idle / max(total, 1):.1f}%")
    for frame, samples in inclusive.most_common(args.top):
        print(f"{100 * samples / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
