#!/usr/bin/env python3
"""Opens every file of an exported simdesk tree with third-party readers.

Usage: check_tree.py DIR [--soffice N]

- .xlsx: openpyxl opens it; every formula cell has a cached value
  (readers that do not recalculate must see a number, text or error).
- .docx: python-docx opens it; headings use 'Heading N' styles and body
  paragraphs have a style.
- .pptx: python-pptx opens it; every slide has a title.
- .pdf: pypdf extracts text from every page; `qpdf --check` passes.
- .eml: Python's email package parses From, To, Subject and Date.
- .csv/.md/.txt/.json: valid UTF-8 (json parses).
- With --soffice N: LibreOffice headless converts N files of each office
  kind to PDF.

Prints one line per problem and exits 1 if there were any.
"""
import email
import email.policy
import json
import os
import subprocess
import sys
import tempfile


def main():
    root = sys.argv[1]
    soffice_n = 0
    if "--soffice" in sys.argv:
        soffice_n = int(sys.argv[sys.argv.index("--soffice") + 1])
    import openpyxl
    import docx
    import pptx
    import pypdf

    problems = []
    counts = {}
    by_kind = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".simdesk"]
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            counts[ext] = counts.get(ext, 0) + 1
            by_kind.setdefault(ext, []).append(path)
            try:
                if ext == "xlsx":
                    wf = openpyxl.load_workbook(path, data_only=False)
                    wv = openpyxl.load_workbook(path, data_only=True)
                    for ws in wf.worksheets:
                        for row in ws.iter_rows():
                            for c in row:
                                if isinstance(c.value, str) and c.value.startswith("="):
                                    v = wv[ws.title][c.coordinate].value
                                    if v is None:
                                        problems.append(f"{path}: {ws.title}!{c.coordinate} {c.value} has no cached value")
                elif ext == "docx":
                    d = docx.Document(path)
                    for p in d.paragraphs:
                        if p.style is None:
                            problems.append(f"{path}: a paragraph has no style")
                            break
                    names = {p.style.name for p in d.paragraphs if p.style is not None}
                    if not any(n.startswith("Heading") for n in names) and d.paragraphs:
                        problems.append(f"{path}: no Heading style used ({sorted(names)})")
                elif ext == "pptx":
                    pr = pptx.Presentation(path)
                    if len(pr.slides) == 0:
                        problems.append(f"{path}: no slides")
                    for i, s in enumerate(pr.slides):
                        if s.shapes.title is None or not s.shapes.title.text:
                            problems.append(f"{path}: slide {i + 1} has no title")
                elif ext == "pdf":
                    r = pypdf.PdfReader(path)
                    text = "".join(pg.extract_text() or "" for pg in r.pages)
                    if not text.strip():
                        problems.append(f"{path}: no extractable text")
                    q = subprocess.run(["qpdf", "--check", path], capture_output=True, text=True)
                    if q.returncode != 0:
                        problems.append(f"{path}: qpdf --check failed: {q.stdout[-300:]} {q.stderr[-300:]}")
                elif ext == "eml":
                    with open(path, "rb") as f:
                        m = email.message_from_binary_file(f, policy=email.policy.default)
                    for h in ("From", "To", "Subject", "Date", "Message-ID"):
                        if m[h] is None:
                            problems.append(f"{path}: missing {h}")
                    m.get_body(preferencelist=("plain",))
                elif ext in ("csv", "md", "txt"):
                    with open(path, "rb") as f:
                        f.read().decode("utf-8")
                elif ext == "json":
                    with open(path, "rb") as f:
                        json.loads(f.read().decode("utf-8"))
            except Exception as e:  # noqa: BLE001 - report every reader failure
                problems.append(f"{path}: {type(e).__name__}: {e}")
    if soffice_n:
        with tempfile.TemporaryDirectory() as out:
            for ext in ("xlsx", "docx", "pptx"):
                for path in by_kind.get(ext, [])[:soffice_n]:
                    r = subprocess.run(
                        ["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", out, path],
                        capture_output=True, text=True, timeout=180,
                    )
                    pdf = os.path.join(out, os.path.basename(path).rsplit(".", 1)[0] + ".pdf")
                    if r.returncode != 0 or not os.path.exists(pdf):
                        problems.append(f"{path}: LibreOffice could not convert it: {r.stderr[-300:]}")
    for p in problems:
        print(p)
    print("checked " + ", ".join(f"{n} .{e}" for e, n in sorted(counts.items())))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
