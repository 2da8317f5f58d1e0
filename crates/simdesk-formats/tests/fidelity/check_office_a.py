#!/usr/bin/env python3
"""Checks simdesk's xlsx and docx exports with the tools people open them with.

Usage: check_office_a.py FOLDER

For every .xlsx in FOLDER: openpyxl loads it, and every formula cell listed
in FOLDER/expectations.json has a cached value equal to the expected one
(openpyxl with data_only=True reads the cached results, as any reader that
does not recalculate does), and the formula text matches.

For every .docx: python-docx loads it, and the expectations name the heading
styles, the Normal body paragraphs, the table (rows, header text) and the
list paragraphs (style and numbering) it must find.

Every .xlsx and .docx is converted to PDF with LibreOffice headless; the
conversion must succeed and produce a non-empty PDF.

Exit status: 0 all checks passed, 1 a check failed, 2 a tool is missing
(the message names it).
"""

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile


def missing(what):
    print(f"missing tool: {what}", file=sys.stderr)
    sys.exit(2)


try:
    import openpyxl
except ImportError:
    missing("python module openpyxl (pip install openpyxl)")
try:
    import docx
except ImportError:
    missing("python module docx (pip install python-docx)")

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
if SOFFICE is None:
    missing("soffice (LibreOffice)")

failures = []


def fail(msg):
    failures.append(msg)
    print(f"FAIL {msg}", file=sys.stderr)


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def check_xlsx(path, exp):
    wb_f = openpyxl.load_workbook(path)  # formulas
    wb_v = openpyxl.load_workbook(path, data_only=True)  # cached values
    name = os.path.basename(path)
    for sheet in exp.get("sheets", []):
        if sheet not in wb_v.sheetnames:
            fail(f"{name}: sheet {sheet!r} missing (has {wb_v.sheetnames})")
    for c in exp.get("formulas", []):
        ws_f, ws_v = wb_f[c["sheet"]], wb_v[c["sheet"]]
        formula = ws_f[c["cell"]].value
        value = ws_v[c["cell"]].value
        if formula != "=" + c["formula"]:
            fail(f"{name}!{c['sheet']}!{c['cell']}: formula {formula!r}, expected ={c['formula']}")
        if value is None:
            fail(f"{name}!{c['sheet']}!{c['cell']}: no cached value for ={c['formula']}")
        elif not same(value, c["value"]):
            fail(f"{name}!{c['sheet']}!{c['cell']}: cached value {value!r}, expected {c['value']!r}")
    for c in exp.get("number_formats", []):
        got = wb_v[c["sheet"]][c["cell"]].number_format
        if got != c["format"]:
            fail(f"{name}!{c['sheet']}!{c['cell']}: number format {got!r}, expected {c['format']!r}")
    for c in exp.get("dates", []):
        got = wb_v[c["sheet"]][c["cell"]].value
        if not hasattr(got, "year") or got.strftime("%Y-%m-%d") != c["date"]:
            fail(f"{name}!{c['sheet']}!{c['cell']}: date {got!r}, expected {c['date']}")
    for sheet in exp.get("frozen", []):
        if wb_v[sheet].freeze_panes != "A2":
            fail(f"{name}!{sheet}: freeze_panes {wb_v[sheet].freeze_panes!r}, expected 'A2'")
    print(f"ok   {name}: {len(exp.get('formulas', []))} formula values")


def check_docx(path, exp):
    d = docx.Document(path)
    name = os.path.basename(path)
    paras = d.paragraphs
    styles = [p.style.name if p.style is not None else None for p in paras]
    for h in exp.get("headings", []):
        if not any(p.text == h["text"] and s == h["style"] for p, s in zip(paras, styles)):
            fail(f"{name}: no paragraph {h['text']!r} in style {h['style']!r}")
    if exp.get("title") is not None and d.core_properties.title != exp["title"]:
        fail(f"{name}: title {d.core_properties.title!r}, expected {exp['title']!r}")
    if exp.get("author") is not None and d.core_properties.author != exp["author"]:
        fail(f"{name}: author {d.core_properties.author!r}, expected {exp['author']!r}")
    for text in exp.get("normal", []):
        if not any(p.text == text and s == "Normal" for p, s in zip(paras, styles)):
            fail(f"{name}: no Normal paragraph {text!r}")
    unstyled = [p.text for p, s in zip(paras, styles) if s is None]
    if unstyled:
        fail(f"{name}: paragraphs without a style: {unstyled[:3]!r}")
    lists = [p for p, s in zip(paras, styles) if s == "List Paragraph"]
    for text in exp.get("list_items", []):
        match = [p for p in lists if p.text == text]
        if not match:
            fail(f"{name}: no List Paragraph {text!r}")
        elif match[0]._p.pPr is None or match[0]._p.pPr.numPr is None:
            fail(f"{name}: list item {text!r} has no numbering")
    for i, t in enumerate(exp.get("tables", [])):
        if i >= len(d.tables):
            fail(f"{name}: table {i} missing ({len(d.tables)} tables)")
            continue
        table = d.tables[i]
        if len(table.rows) != t["rows"]:
            fail(f"{name}: table {i} has {len(table.rows)} rows, expected {t['rows']}")
        header = [c.text for c in table.rows[0].cells]
        if header != t["header"]:
            fail(f"{name}: table {i} header {header!r}, expected {t['header']!r}")
    for text in exp.get("contains", []):
        body = "\n".join(p.text for p in paras)
        cells = "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)
        if text not in body and text not in cells:
            fail(f"{name}: text {text!r} not found")
    print(f"ok   {name}: {len(paras)} paragraphs, {len(d.tables)} tables")


def convert(path, out_dir):
    name = os.path.basename(path)
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            out_dir,
            path,
        ]
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        except subprocess.TimeoutExpired:
            fail(f"{name}: LibreOffice conversion timed out")
            return
    pdf = os.path.join(out_dir, os.path.splitext(name)[0] + ".pdf")
    if r.returncode != 0 or not os.path.exists(pdf) or os.path.getsize(pdf) == 0:
        fail(f"{name}: LibreOffice conversion failed ({r.returncode}): {r.stderr.strip()[:300]}")
    else:
        print(f"ok   {name}: LibreOffice converted it to PDF ({os.path.getsize(pdf)} bytes)")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(1)
    folder = sys.argv[1]
    exp_path = os.path.join(folder, "expectations.json")
    expectations = {}
    if os.path.exists(exp_path):
        with open(exp_path, encoding="utf-8") as f:
            expectations = json.load(f)
    files = sorted(f for f in os.listdir(folder) if f.endswith((".xlsx", ".docx")))
    if not files:
        fail(f"no .xlsx or .docx files in {folder}")
    out_dir = os.path.join(folder, "pdf")
    os.makedirs(out_dir, exist_ok=True)
    for f in files:
        path = os.path.join(folder, f)
        exp = expectations.get(f, {})
        try:
            if f.endswith(".xlsx"):
                check_xlsx(path, exp)
            else:
                check_docx(path, exp)
        except Exception as e:  # a reader that cannot open the file at all
            fail(f"{f}: {type(e).__name__}: {e}")
        convert(path, out_dir)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print(f"all checks passed for {len(files)} file(s)")


if __name__ == "__main__":
    main()
