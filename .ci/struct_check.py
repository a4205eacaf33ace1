#!/usr/bin/env python3
"""Checks the tagged tables of PDFs with an independent reader: poppler's
`pdfinfo -struct` (Debian poppler-utils), standard library only.

    struct_check.py FILE.pdf [FILE.pdf ...]

For a screen reader, a table whose header cells have no data cell under them reads as
headings of nothing (issue 19: an empty indicator group). This reads the structure tree
as poppler prints it (one element per line, nesting by indentation) and fails when:
  - a Table has TH cells but no TD cell;
  - the document has no Table at all (the structure tree was not written);
  - a TD or TH sits outside a TR, or a TR outside a Table.
Prints one line per file with what it counted. Exits non-zero on the first failure.
"""

import re
import subprocess
import sys

ELEMENT = re.compile(r"^( *)([A-Za-z][A-Za-z0-9]*)\b")


def tree(pdf):
    """The structure tree of `pdf`, as poppler prints it."""
    return subprocess.run(
        ["pdfinfo", "-enc", "UTF-8", "-struct", pdf], capture_output=True, check=True
    ).stdout.decode("utf-8", errors="replace")


def elements_of(out):
    """(depth, type, line number) of each structure element, in document order."""
    elements = []
    for number, line in enumerate(out.splitlines(), 1):
        if line.lstrip().startswith("/"):
            continue  # an attribute of the element above
        m = ELEMENT.match(line)
        if m:
            elements.append((len(m.group(1)), m.group(2), number))
    return elements


def check(pdf, out=None):
    elements = elements_of(tree(pdf) if out is None else out)
    tables = []  # [th, td, line] per table
    stack = []  # (depth, type) of the open ancestors
    for depth, kind, number in elements:
        while stack and stack[-1][0] >= depth:
            stack.pop()
        ancestors = [k for _, k in stack]
        if kind == "Table":
            tables.append([0, 0, number])
        elif kind in ("TH", "TD"):
            if "TR" not in ancestors or "Table" not in ancestors:
                return f"{pdf}: {kind} outside a table row (line {number} of pdfinfo -struct)"
            tables[-1][0 if kind == "TH" else 1] += 1
        elif kind == "TR" and "Table" not in ancestors:
            return f"{pdf}: TR outside a table (line {number} of pdfinfo -struct)"
        stack.append((depth, kind))
    if not tables:
        return f"{pdf}: no tagged table (is the structure tree written?)"
    empty = [t for t in tables if t[0] > 0 and t[1] == 0]
    if empty:
        lines = ", ".join(str(t[2]) for t in empty[:5])
        return (
            f"{pdf}: {len(empty)} table(s) with header cells and no data cell "
            f"(lines {lines} of pdfinfo -struct)"
        )
    th = sum(t[0] for t in tables)
    td = sum(t[1] for t in tables)
    print(f"{pdf}: {len(tables)} tables, {th} header cells, {td} data cells: every table has data")
    return None


# A table as poppler prints it, with header cells and no data cell: the check must
# refuse it (run before the real files, so that a check that cannot fail is noticed).
HEADERS_ONLY = """Document
  Table (block):
     /BBox [0 0 1 1]
    THead
      TR
        TH <U1x0y0>:
           /Scope /Column
        TH <U1x1y0>:
           /Scope /Column
"""


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if check("(prova)", HEADERS_ONLY) is None:
        sys.exit("struct_check: a table with header cells only was not caught")
    fixed = HEADERS_ONLY + "    TBody\n      TR\n        TD:\n"
    if check("(prova)", fixed) is not None:
        sys.exit("struct_check: a table with data was refused")
    for pdf in sys.argv[1:]:
        problem = check(pdf)
        if problem:
            sys.exit(problem)


if __name__ == "__main__":
    main()
