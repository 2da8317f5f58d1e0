#!/usr/bin/env python3
"""Checks pptx, pdf and eml exports with the readers people use.

Usage: check_office_b.py FOLDER

FOLDER holds the files and an `expectations.json` written beside them:

    {
      "pptx": {"deck.pptx": {"slides": 6, "titles": [...],
                             "bullet_levels": {"2": [0, 1, 2, 0]},
                             "tables": {"3": [["a", "b"], ...]},
                             "notes": {"1": "text"}}},
      "pdf":  {"report.pdf": {"pages": 3, "min_pages": 2,
                              "contains": ["陈伟", ...]}},
      "eml":  {"mail.eml": {"headers": {"Subject": "..."},
                            "body_contains": ["..."],
                            "attachments": [{"filename": "...",
                                             "content_type": "...",
                                             "size": 123}]}}
    }

Checks: every .pptx with python-pptx (slide count, titles, bullet levels,
table cells, notes text) and converted with LibreOffice headless to PDF;
every .pdf with pypdf (text contains the expected strings, non-Latin
included) and `qpdf --check`; every .eml with Python's email package
(decoded headers, body, attachment parts). Prints one line per check and
exits non-zero when any failed; exits 3 when a tool is missing.
"""

import email
import email.policy
import json
import os
import shutil
import subprocess
import sys
import tempfile

FAILURES = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        FAILURES.append(what)


def need_tools():
    missing = []
    try:
        import pptx  # noqa: F401
    except ImportError:
        missing.append("python-pptx")
    try:
        import pypdf  # noqa: F401
    except ImportError:
        missing.append("pypdf")
    for tool in ("qpdf", "soffice"):
        if shutil.which(tool) is None:
            missing.append(tool)
    if missing:
        print("missing tools: " + ", ".join(missing))
        sys.exit(3)


def body_placeholder(slide):
    for shape in slide.placeholders:
        pf = shape.placeholder_format
        if pf.type is not None and int(pf.type) in (2, 7) and shape.has_text_frame:  # BODY, OBJECT
            return shape
    return None


def check_pptx(path, exp):
    from pptx import Presentation

    name = os.path.basename(path)
    prs = Presentation(path)
    slides = list(prs.slides)
    check(len(slides) == exp["slides"], f"{name}: {len(slides)} slides, expected {exp['slides']}")
    for i, title in enumerate(exp.get("titles", [])):
        got = slides[i].shapes.title.text if slides[i].shapes.title is not None else None
        check(got == title, f"{name}: slide {i + 1} title {got!r}")
    for k, levels in exp.get("bullet_levels", {}).items():
        body = body_placeholder(slides[int(k) - 1])
        got = [p.level for p in body.text_frame.paragraphs] if body is not None else None
        check(got == levels, f"{name}: slide {k} bullet levels {got}")
    for k, rows in exp.get("tables", {}).items():
        tables = [s for s in slides[int(k) - 1].shapes if s.has_table]
        got = [[c.text for c in r.cells] for r in tables[0].table.rows] if tables else None
        check(got == rows, f"{name}: slide {k} table {got}")
        if tables:
            check(tables[0].table.first_row, f"{name}: slide {k} table has a header row")
    for k, text in exp.get("notes", {}).items():
        s = slides[int(k) - 1]
        got = s.notes_slide.notes_text_frame.text if s.has_notes_slide else None
        check(got == text, f"{name}: slide {k} notes {got!r}")

    # LibreOffice must open and convert it; a private profile keeps parallel
    # runs apart.
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as profile:
        cmd = [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            out,
            path,
        ]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
        pdf = os.path.join(out, os.path.splitext(name)[0] + ".pdf")
        ok = r.returncode == 0 and os.path.exists(pdf) and os.path.getsize(pdf) > 0
        check(ok, f"{name}: LibreOffice converts it to PDF (rc {r.returncode}) {r.stderr.strip()[:200]}")
        if ok:
            from pypdf import PdfReader

            pages = len(PdfReader(pdf).pages)
            check(pages == exp["slides"], f"{name}: LibreOffice PDF has {pages} pages")


def check_pdf(path, exp):
    from pypdf import PdfReader

    name = os.path.basename(path)
    reader = PdfReader(path)
    n = len(reader.pages)
    if "pages" in exp:
        check(n == exp["pages"], f"{name}: {n} pages, expected {exp['pages']}")
    if "min_pages" in exp:
        check(n >= exp["min_pages"], f"{name}: {n} pages, at least {exp['min_pages']}")
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    for s in exp.get("contains", []):
        check(s in text, f"{name}: text contains {s!r}")
    r = subprocess.run(["qpdf", "--check", path], capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, f"{name}: qpdf --check (rc {r.returncode}) {r.stdout.strip()[-200:]}")


def check_eml(path, exp):
    name = os.path.basename(path)
    with open(path, "rb") as f:
        msg = email.message_from_bytes(f.read(), policy=email.policy.default)
    for h, v in exp.get("headers", {}).items():
        got = str(msg[h]) if msg[h] is not None else None
        check(got == v, f"{name}: {h}: {got!r}")
    body = msg.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    for s in exp.get("body_contains", []):
        check(s in text, f"{name}: body contains {s!r}")
    atts = list(msg.iter_attachments())
    want = exp.get("attachments", [])
    check(len(atts) == len(want), f"{name}: {len(atts)} attachment parts, expected {len(want)}")
    for a, w in zip(atts, want):
        check(a.get_filename() == w["filename"], f"{name}: attachment file name {a.get_filename()!r}")
        check(a.get_content_type() == w["content_type"], f"{name}: attachment type {a.get_content_type()}")
        if "size" in w:
            size = len(a.get_payload(decode=True) or b"")
            check(size == w["size"], f"{name}: attachment {w['filename']} is {size} bytes")
        if "path" in w:
            check(a["X-Simdesk-Path"] == w["path"], f"{name}: attachment path {a['X-Simdesk-Path']!r}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    need_tools()
    folder = sys.argv[1]
    with open(os.path.join(folder, "expectations.json"), encoding="utf-8") as f:
        exp = json.load(f)
    for kind, fn in (("pptx", check_pptx), ("pdf", check_pdf), ("eml", check_eml)):
        for file, e in sorted(exp.get(kind, {}).items()):
            try:
                fn(os.path.join(folder, file), e)
            except Exception as err:  # a reader crashing is a failure too
                check(False, f"{file}: {type(err).__name__}: {err}")
    print(f"{len(FAILURES)} failed")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
