"""Writes the hostile-file set of issue 17 into FOLDER, at test time.

    python3 make_issue17.py FOLDER

Every file is made here, with openpyxl and Pillow (no file is copied from
elsewhere, nothing is downloaded), so the set is the project's own:

- features.xlsx: one sheet carrying what simdesk's workbook model does not
  hold: 2 charts, 1 image, 2 hyperlinks, 1 table, 2 defined names,
  2 comments, 1 conditional format, 1 merged range, 1 data validation,
  1 autofilter (the table's own one is not counted) and sheet protection;
- plain.xlsx: values and a formula only, nothing the model drops;
- refused_dimension.xlsx: a sheet with a comment whose `<dimension>` is
  Excel's A1:XFD1048576 (the reader refuses it; it must never become a
  deck);
- duplicate_targets.xlsx: 20,000 `<sheet>` entries pointing at one part;
- macros.xlsm: a workbook carrying a `xl/vbaProject.bin` part;
- rounding.xlsx: TEXT and FIXED of halves, with the cached values Excel
  writes (`$1,235`, `3`, `3`);
- folder/: one file of every kind simdesk reads, none written by simdesk
  (xlsx, xlsm, ods, docx, pptx, pdf, eml, csv, md, txt, an unknown
  binary), for the byte-identical import -> export round trip.

Exit status 3 (with the reason on stderr) when a module is missing.
"""

import io
import re
import sys
import zipfile


def missing(what):
    print(f"missing: {what}", file=sys.stderr)
    sys.exit(3)


try:
    import openpyxl
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table
except ImportError:
    missing("python module openpyxl (pip install openpyxl)")
try:
    from openpyxl.drawing.image import Image
    from PIL import Image as PILImage
except ImportError:
    missing("python module Pillow (pip install pillow)")


def save(wb, path):
    # openpyxl stamps the current time into docProps/core.xml; the tests
    # compare what simdesk does with the file, not the file with itself.
    wb.save(path)


def features(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Month", "Sales", "Cost"])
    for i, (s, c) in enumerate([(10, 4), (12, 5), (9, 3), (14, 6)], start=1):
        ws.append([f"M{i}", s, c])
    ws["E1"] = "Total"
    ws["E2"] = "=SUM(B2:B5)"
    table = Table(displayName="Sales", ref="A1:C5")
    ws.add_table(table)
    for kind, anchor in [(BarChart, "G2"), (LineChart, "G20")]:
        chart = kind()
        chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=5), titles_from_data=True)
        ws.add_chart(chart, anchor)
    png = io.BytesIO()
    PILImage.new("RGB", (4, 4), (200, 30, 30)).save(png, format="PNG")
    png.seek(0)
    ws.add_image(Image(png), "P2")
    ws["E4"] = "site"
    ws["E4"].hyperlink = "https://example.com/a"
    ws["E5"] = "other"
    ws["E5"].hyperlink = "https://example.com/b"
    wb.defined_names["Total"] = DefinedName("Total", attr_text="Data!$E$2")
    wb.defined_names["Months"] = DefinedName("Months", attr_text="Data!$A$2:$A$5")
    ws["A2"].comment = Comment("check this", "Ana")
    ws["B3"].comment = Comment("and this", "Ana")
    red = PatternFill(start_color="FFC7CE", end_color="FFC7CE", fill_type="solid")
    ws.conditional_formatting.add("B2:B5", CellIsRule(operator="greaterThan", formula=["11"], fill=red))
    ws["A8"] = "merged"
    ws.merge_cells("A8:C8")
    dv = DataValidation(type="whole", operator="between", formula1="0", formula2="100")
    ws.add_data_validation(dv)
    dv.add("B2:B5")
    other = wb.create_sheet("Filtered")
    other.append(["k", "v"])
    other.append(["a", 1])
    other.auto_filter.ref = "A1:B2"
    ws.protection.sheet = True
    save(wb, path)


def plain(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["a", 1])
    ws.append(["b", 2])
    ws["C1"] = "=B1+B2"
    save(wb, path)


def rewrite(src, dst, change):
    """Copies the zip at src to dst, passing each part through change(name, data)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, change(item.filename, zin.read(item.filename)))


def refused_dimension(tmp, path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "commented"
    ws["A1"].comment = Comment("note", "Ana")
    save(wb, tmp)

    def change(name, data):
        if name == "xl/worksheets/sheet1.xml":
            data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', data)
        return data

    rewrite(tmp, path, change)


def duplicate_targets(tmp, path, n=20000):
    plain(tmp)

    def change(name, data):
        if name == "xl/workbook.xml":
            sheet = re.search(rb"<sheet [^>]*/>", data).group(0)
            many = b"".join(
                re.sub(rb'name="[^"]*"', b'name="S%d"' % i, re.sub(rb'sheetId="\d+"', b'sheetId="%d"' % (i + 1), sheet))
                for i in range(n)
            )
            data = data.replace(sheet, many)
        return data

    rewrite(tmp, path, change)


def macros(tmp, path):
    plain(tmp)

    def change(name, data):
        if name == "[Content_Types].xml":
            data = data.replace(
                b"</Types>",
                b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
            )
        return data

    rewrite(tmp, path, change)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 508)


def rounding(tmp, path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = '=TEXT(1234.5,"$#,##0")'
    ws["A2"] = '=TEXT(2.5,"0")'
    ws["A3"] = "=FIXED(2.5,0)"
    ws["A4"] = '=TEXT(-2.5,"0")'
    save(wb, tmp)
    cached = {"A1": "$1,235", "A2": "3", "A3": "3", "A4": "-3"}

    def change(name, data):
        if name == "xl/worksheets/sheet1.xml":
            for cell, value in cached.items():
                data = re.sub(
                    rb'<c r="%s"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?' % cell.encode(),
                    lambda m: b'<c r="%s" t="str"><f>%s</f><v>%s</v>' % (cell.encode(), m.group(2), value.encode()),
                    data,
                )
        return data

    rewrite(tmp, path, change)


def ods(path):
    """A minimal OpenDocument spreadsheet, written part by part."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        "<office:body><office:spreadsheet><table:table table:name=\"Sheet1\">"
        '<table:table-row><table:table-cell office:value-type="string"><text:p>k</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)


def pdf(path):
    """A one-page PDF with a line of text, offsets counted here."""
    stream = b"BT /F1 12 Tf 72 720 Td (Quarterly figures, by hand) Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n% made by make_issue17.py\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)


def eml(path):
    from email.message import EmailMessage

    m = EmailMessage()
    m["From"] = "Ana Ruiz <ana@example.com>"
    m["To"] = "Mei Chen <mei@example.com>"
    m["Subject"] = "Figures"
    m["Date"] = "Mon, 05 Jan 2026 09:00:00 +0000"
    m["Message-ID"] = "<figures-1@example.com>"
    m.set_content("Hello Mei,\n\nthe figures are attached.\n")
    m.add_attachment(b"a,b\n1,2\n", maintype="text", subtype="csv", filename="figures.csv")
    with open(path, "wb") as f:
        f.write(bytes(m))


def folder(out):
    import os
    import shutil

    import docx
    import pptx

    os.makedirs(f"{out}/Models")
    os.makedirs(f"{out}/Reports")
    os.makedirs(f"{out}/Mail")
    shutil.copy(f"{out}/../features.xlsx", f"{out}/Models/features.xlsx")
    shutil.copy(f"{out}/../plain.xlsx", f"{out}/Models/plain.xlsx")
    shutil.copy(f"{out}/../macros.xlsm", f"{out}/Models/macros.xlsm")
    ods(f"{out}/Models/sheet.ods")
    d = docx.Document()
    d.add_heading("Review", 1)
    d.add_paragraph("Figures are unaudited.")
    d.save(f"{out}/Reports/memo.docx")
    p = pptx.Presentation()
    slide = p.slides.add_slide(p.slide_layouts[1])
    slide.shapes.title.text = "Review"
    slide.placeholders[1].text = "Up 3%"
    p.save(f"{out}/Reports/deck.pptx")
    pdf(f"{out}/Reports/figures.pdf")
    eml(f"{out}/Mail/figures.eml")
    with open(f"{out}/figures.csv", "w", newline="") as f:
        f.write("\ufeffk,v\r\na,1\r\n")
    with open(f"{out}/notes.md", "w") as f:
        f.write("# Notes\n\n- call Ana\n")
    with open(f"{out}/todo.txt", "w") as f:
        f.write("plain text\n")
    with open(f"{out}/logo.bin", "wb") as f:
        f.write(bytes(range(256)))


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    out = sys.argv[1].rstrip("/")
    tmp = f"{out}/.tmp.xlsx"
    features(f"{out}/features.xlsx")
    plain(f"{out}/plain.xlsx")
    refused_dimension(tmp, f"{out}/refused_dimension.xlsx")
    duplicate_targets(tmp, f"{out}/duplicate_targets.xlsx")
    macros(tmp, f"{out}/macros.xlsm")
    rounding(tmp, f"{out}/rounding.xlsx")
    import os

    os.remove(tmp)
    folder(f"{out}/folder")


if __name__ == "__main__":
    main()
