#!/usr/bin/env python3
"""Keeps the README's code examples identical to the consumer apps that CI runs.

    readme_examples.py README.md           # check: exit 1 and show a diff if a block is stale
    readme_examples.py README.md --write   # rewrite each block from its file

A README code example is tied to a file by an HTML comment right above its fenced block:

    <!-- example: test/consumers/python/app.py -->
    ```python
    ...the file's content, verbatim...
    ```

The file paths are relative to the README's folder. The consumer apps are installed, compiled
and run by test/consumers/run.sh, so the examples the README shows are real code.
"""
import difflib
import os
import re
import sys

BLOCK = re.compile(
    r"(?P<head><!-- example: (?P<path>[^ ]+) -->\n```(?P<lang>[a-z]+)\n)(?P<body>.*?)(?P<tail>^```$)",
    re.DOTALL | re.MULTILINE,
)


def main(args: list[str]) -> int:
    if not args or len(args) > 2 or (len(args) == 2 and args[1] != "--write"):
        print(__doc__, file=sys.stderr)
        return 2
    readme, write = args[0], len(args) == 2
    root = os.path.dirname(os.path.abspath(readme))
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    stale: list[str] = []
    seen: list[str] = []

    def sync(m: "re.Match[str]") -> str:
        path = m.group("path")
        seen.append(path)
        with open(os.path.join(root, path), encoding="utf-8") as f:
            content = f.read()
        if m.group("body") != content:
            stale.append(path)
            if not write:
                sys.stdout.writelines(
                    difflib.unified_diff(
                        m.group("body").splitlines(keepends=True),
                        content.splitlines(keepends=True),
                        f"{readme} ({path} example)",
                        path,
                    )
                )
        return m.group("head") + content + m.group("tail")

    updated = BLOCK.sub(sync, text)
    if not seen:
        print(f"{readme}: no '<!-- example: PATH -->' blocks found", file=sys.stderr)
        return 1
    if write:
        if updated != text:
            with open(readme, "w", encoding="utf-8") as f:
                f.write(updated)
        print(f"{readme}: {len(stale)} of {len(seen)} examples rewritten")
        return 0
    if stale:
        print(f"{readme}: examples differ from their files: {', '.join(stale)}")
        print(f"run: python3 test/consumers/readme_examples.py {readme} --write")
        return 1
    print(f"{readme}: {len(seen)} examples match their files ({', '.join(seen)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
