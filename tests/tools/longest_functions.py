#!/usr/bin/env python3
"""List the longest function bodies in the non-test C++ code, in lines.

A heuristic, not a parser: comments, string and character literals and
preprocessor lines are blanked, then braces are matched. A `{` outside any
function opens a function body when the text before it (since the last `;`
or closed scope) has a parameter list, no top-level `=`, and is not a
namespace, class, struct, union or enum head. A function's length runs from
the first line of its declaration (template and return type included) to its
closing brace, both counted. Lambdas and local classes count towards the
function around them. Good enough to rank functions and to compare two
commits measured the same way; run it on both.

Usage: tests/tools/longest_functions.py [--root DIR] [--top N] [DIR ...]
(default DIRs: domain eventstore projections api services; root: the
repository this script is in).
"""

import argparse
import pathlib
import re
import sys

DEFAULT_DIRS = ["domain", "eventstore", "projections", "api", "services"]
SUFFIXES = {".cpp", ".hpp", ".cc", ".h"}


def blank_non_code(text):
    """Return text with comments, literals and preprocessor lines blanked,
    keeping every newline so line numbers stay."""
    out = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "#":
            # A preprocessor line, with its backslash continuations.
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append(" \n")
                    i += 2
                    continue
                out.append(" ")
                i += 1
            continue
        if c == "\n":
            at_line_start = True
            out.append(c)
            i += 1
            continue
        if not c.isspace():
            at_line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                out.append(" ")
                i += 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
            continue
        raw = re.match(r'(?:u8|u|U|L)?R"([^()\\\s]{0,16})\(', text[i:i + 24])
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            close = ")" + raw.group(1) + '"'
            end = text.find(close, i + raw.end())
            end = n if end < 0 else end + len(close)
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:end]))
            i = end
            continue
        if c == "'" and i > 0 and text[i - 1].isalnum():
            # A digit separator (1'000) or the end of a literal prefix (u8'x').
            j = i - 1
            while j >= 0 and (text[j].isalnum() or text[j] in "_'."):
                j -= 1
            if text[j + 1].isdigit():
                out.append(" ")
                i += 1
                continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * max(0, j - i - 2) + (c if j - i >= 2 else ""))
            i = j
            continue
        out.append(c)
        i += 1
    return "".join(out)


OPERATOR = re.compile(r"\boperator\s*(?:\(\s*\)|\[\s*\]|[^\s\w(]+)")
HEAD_OF_SCOPE = re.compile(
    r"^(?:\[\[[^\]]*\]\]\s*)*(?:template\s*<.*>\s*)?"
    r"(?:(?:inline\s+)?namespace\b|extern\b|class\b|struct\b|union\b|enum\b)",
    re.S,
)
NAME_BEFORE_PAREN = re.compile(r"((?:~?[A-Za-z_]\w*(?:<[^()]*?>)?\s*::\s*)*(?:~?[A-Za-z_]\w*|operator\s*\S+?))\s*$")


def top_level(head):
    """The head with everything inside (), [] and {} removed."""
    depth, out = 0, []
    for ch in head:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def is_function_head(head):
    flat = OPERATOR.sub("operator_", head)
    if "(" not in flat or HEAD_OF_SCOPE.match(flat.strip()):
        return False
    outer = top_level(flat)
    return re.search(r"(?<![=!<>])=(?!=)", outer) is None


def function_name(head):
    flat = OPERATOR.sub(lambda m: "operator" + re.sub(r"\s", "", m.group(0)[8:]), head)
    depth = 0
    for k, ch in enumerate(flat):
        if ch == "(" and depth == 0:
            m = NAME_BEFORE_PAREN.search(flat[:k])
            if m:
                return re.sub(r"\s+", "", m.group(1))
        if ch in "(":
            depth += 1
        elif ch == ")":
            depth -= 1
    return "?"


def has_ctor_init_list(head):
    return re.search(r"\)\s*(?:const\s*|noexcept\s*)*:(?!:)", head) is not None


def functions_in(path):
    code = blank_non_code(path.read_text(encoding="utf-8", errors="replace"))
    results = []
    scopes = []  # "scope" for namespace/class/other, or a function record
    head, head_line = [], None
    line = 1
    i, n = 0, len(code)

    def skip_braces(start):
        """Index just after the brace matching code[start]; counts lines."""
        nonlocal line
        depth = 0
        for j in range(start, n):
            ch = code[j]
            if ch == "\n":
                line += 1
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    return j + 1
        return n

    while i < n:
        ch = code[i]
        in_function = any(isinstance(s, dict) for s in scopes)
        if in_function:
            if ch == "\n":
                line += 1
            elif ch == "{":
                scopes.append("inner")
            elif ch == "}":
                top = scopes.pop()
                if isinstance(top, dict):
                    top["end"] = line
                    results.append(top)
                    head, head_line = [], None
            i += 1
            continue
        if ch == "\n":
            line += 1
            head.append(ch)
        elif ch == ";":
            head, head_line = [], None
        elif ch == "}":
            if scopes:
                scopes.pop()
            head, head_line = [], None
        elif ch == "{":
            text = "".join(head)
            open_parens = text.count("(") - text.count(")")
            before = text.rstrip()[-1:] if text.strip() else ""
            if HEAD_OF_SCOPE.match(text.strip()) and open_parens == 0 and "=" not in top_level(text):
                scopes.append("scope")
                head, head_line = [], None
            elif open_parens > 0 or (has_ctor_init_list(text) and (before.isalnum() or before in "_>")):
                # A braced initialiser inside a parameter list or a member
                # initialiser list: part of the head, not a body.
                start_line = line
                i = skip_braces(i)
                head.append("{}" + "\n" * (line - start_line))
                continue
            elif text.strip() and is_function_head(text):
                scopes.append({"file": path, "line": head_line, "name": function_name(text)})
                head, head_line = [], None
            else:
                # An initialiser or an aggregate at namespace or class scope.
                start_line = line
                i = skip_braces(i)
                head.append("{}" + "\n" * (line - start_line))
                continue
        else:
            if head_line is None and not ch.isspace():
                head_line = line
            head.append(ch)
            if ch == ":" and re.search(r"\b(?:public|private|protected)\s*:$", "".join(head[-12:])):
                head, head_line = [], None
        i += 1
    for f in results:
        f["lines"] = f["end"] - f["line"] + 1
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(pathlib.Path(__file__).resolve().parents[2]))
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("dirs", nargs="*", default=DEFAULT_DIRS)
    args = parser.parse_args()
    root = pathlib.Path(args.root)
    found = []
    for d in args.dirs:
        for path in sorted((root / d).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and "test" not in path.name:
                found.extend(functions_in(path))
    found.sort(key=lambda f: (-f["lines"], str(f["file"]), f["line"]))
    for f in found[: args.top]:
        rel = f["file"].relative_to(root)
        print(f"{f['lines']:5d}  {rel}:{f['line']}  {f['name']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
