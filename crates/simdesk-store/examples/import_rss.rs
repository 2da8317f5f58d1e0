//! Peak memory and time of importing large workbooks, each import in a
//! child process of its own (so one's peak is not another's):
//!
//! ```text
//! cargo run --release -p simdesk-store --example import_rss            # the table
//! cargo run --release -p simdesk-store --example import_rss -- 1000000 1
//! cargo run --release -p simdesk-store --example import_rss -- make 1000000   # just the file
//! cargo run --release -p simdesk-store --example import_rss -- measure-reader FILE  # the xlsx reader alone
//! cargo run --release -p simdesk-store --example import_rss -- stages 1000000 1  # where memory goes
//! ```
//!
//! `stages` imports one file step by step in a child and prints, after
//! each step, the resident set now and its peak during the step (the peak
//! is reset between steps through `/proc/self/clear_refs`): the file's
//! bytes, the xlsx reader's workbook, the world holding it (one copy,
//! shared with the op in the trajectory), and the digest kept with the
//! original bytes.
//!
//! The parent writes a folder holding one `.xlsx` of CELLS cells over
//! SHEETS sheets (ten columns: a text label, nine numbers; streamed into
//! the zip part by part, never held whole), then runs itself as
//! `import_rss measure FOLDER`, which imports the folder as `simdesk
//! import` does (`simdesk_store::import_dir`) and prints its peak resident
//! set (`VmHWM` of `/proc/self/status`) and the import's wall time. Numbers
//! are reported, never asserted (see ARCHITECTURE: benchmarks).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use zip::write::SimpleFileOptions;

/// Ten columns per row: a label and nine numbers.
const COLS: u64 = 10;

fn col_name(c: u64) -> char {
    (b'A' + c as u8) as char
}

/// Writes `dir/big.xlsx`: `cells` cells spread evenly over `sheets`.
fn make(dir: &Path, cells: u64, sheets: u64) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("big.xlsx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path)?);
    let opts = SimpleFileOptions::default().compression_level(Some(1));
    let ct_sheets: String = (1..=sheets)
        .map(|i| format!("<Override PartName=\"/xl/worksheets/sheet{i}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"))
        .collect();
    zip.start_file("[Content_Types].xml", opts)?;
    write!(
        zip,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>{ct_sheets}</Types>"
    )?;
    zip.start_file("_rels/.rels", opts)?;
    write!(
        zip,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
    )?;
    let sheet_list: String = (1..=sheets)
        .map(|i| format!("<sheet name=\"S{i}\" sheetId=\"{i}\" r:id=\"rId{i}\"/>"))
        .collect();
    zip.start_file("xl/workbook.xml", opts)?;
    write!(
        zip,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>{sheet_list}</sheets></workbook>"
    )?;
    let rels: String = (1..=sheets)
        .map(|i| format!("<Relationship Id=\"rId{i}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"))
        .collect();
    zip.start_file("xl/_rels/workbook.xml.rels", opts)?;
    write!(
        zip,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{rels}</Relationships>"
    )?;
    let per_sheet = cells / sheets;
    for i in 1..=sheets {
        let rows = per_sheet.div_ceil(COLS);
        zip.start_file(format!("xl/worksheets/sheet{i}.xml"), opts)?;
        let last = format!("{}{}", col_name(COLS - 1), rows.max(1));
        write!(
            zip,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><dimension ref=\"A1:{last}\"/><sheetData>"
        )?;
        let mut left = per_sheet;
        for r in 1..=rows {
            let mut row = format!("<row r=\"{r}\">");
            for c in 0..COLS.min(left) {
                let at = format!("{}{r}", col_name(c));
                if c == 0 {
                    row.push_str(&format!(
                        "<c r=\"{at}\" t=\"inlineStr\"><is><t>item {r}</t></is></c>"
                    ));
                } else {
                    row.push_str(&format!("<c r=\"{at}\"><v>{}</v></c>", r * 7 + c));
                }
            }
            left = left.saturating_sub(COLS);
            row.push_str("</row>");
            zip.write_all(row.as_bytes())?;
        }
        zip.write_all(b"</sheetData></worksheet>")?;
    }
    zip.finish()?;
    Ok(path)
}

/// Peak resident set of this process in MB (`VmHWM`), 0 when unknown.
fn peak_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// Resident set now (`VmRSS`) in MB, 0 when unknown.
fn rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// Starts a new peak (`VmHWM` becomes the resident set now).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The child of `stages`: one import taken step by step.
#[allow(clippy::disallowed_methods)]
fn stages(file: &Path, cells: u64) -> Result<(), Box<dyn std::error::Error>> {
    let per = |mb: u64| mb as f64 * 1e6 / cells as f64;
    let step = |name: &str, t: std::time::Instant| {
        let (now, peak) = (rss_mb(), peak_mb());
        println!(
            "  {name:<28} now {now:>5} MB ({:>4.0} B/cell)  step peak {peak:>5} MB ({:>4.0} B/cell)  {:>6.2} s",
            per(now),
            per(peak),
            t.elapsed().as_secs_f64()
        );
        reset_peak();
    };
    reset_peak();
    let t = std::time::Instant::now();
    let bytes = std::fs::read(file)?;
    step("file bytes", t);
    let t = std::time::Instant::now();
    let artifact = simdesk_formats::import(
        &bytes,
        simdesk_formats::Format::Xlsx,
        &simdesk_formats::Limits::default(),
    )?;
    step("xlsx read into a workbook", t);
    let t = std::time::Instant::now();
    let mut ws = simdesk_engine::Workspace::new(
        simdesk_model::SimTime::default(),
        simdesk_model::Persona::default(),
    );
    let out = ws.apply(simdesk_model::Op::Create {
        path: "/big.xlsx".parse()?,
        artifact: artifact.into(),
    });
    if !out.is_applied() {
        return Err(format!("{:?}", out.diagnostics).into());
    }
    step("applied into a world", t);
    let t = std::time::Instant::now();
    let art = ws.artifact(&"/big.xlsx".parse()?).ok_or("missing")?;
    let digest = simdesk_store::artifact_digest(art)?;
    step("digest of the artifact", t);
    drop(bytes);
    println!("  (digest {})", &digest[..12]);
    Ok(())
}

/// The child: imports `folder` and prints `peak_mb seconds artifacts`.
// A benchmark reads the machine's clock to time itself; nothing it
// measures reaches a world or a file.
#[allow(clippy::disallowed_methods)]
fn measure(folder: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let start = std::time::Instant::now();
    let r = simdesk_store::import_dir(folder, &simdesk_store::ImportOptions::default())?;
    let secs = start.elapsed().as_secs_f64();
    if let Some(s) = r.skipped.first() {
        return Err(format!("{}: {}", s.path, s.reason).into());
    }
    println!("{} {secs:.2} {}", peak_mb(), r.world.artifact_count());
    Ok(())
}

/// Makes a file of `cells` over `sheets`, imports it in a child, prints a
/// row of the table.
fn run(cells: u64, sheets: u64) -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!(
        "simdesk-import-rss-{}-{cells}-{sheets}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let file = make(&dir, cells, sheets)?;
    let size = std::fs::metadata(&file)?.len();
    let out = Command::new(std::env::current_exe()?)
        .arg("measure")
        .arg(&dir)
        .output()?;
    let _ = std::fs::remove_dir_all(&dir);
    let line = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !out.status.success() {
        println!(
            "{cells:>9} cells {sheets:>5} sheets {:>6.1} MB file: failed ({}) {}",
            size as f64 / 1e6,
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return Ok(());
    }
    let mut f = line.split(' ');
    let (peak, secs) = (f.next().unwrap_or("?"), f.next().unwrap_or("?"));
    let per_cell = peak.parse::<f64>().map_or(0.0, |p| p * 1e6 / cells as f64);
    println!(
        "{cells:>9} cells {sheets:>5} sheets {:>6.1} MB file: peak {peak:>5} MB ({per_cell:.0} B/cell), {secs:>6} s",
        size as f64 / 1e6
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [m, folder] if m == "measure" => measure(Path::new(folder)),
        [m, file] if m == "measure-reader" => {
            // The workbook reader alone, without the engine.
            let bytes = std::fs::read(file)?;
            let a = simdesk_formats::import(
                &bytes,
                simdesk_formats::Format::Xlsx,
                &simdesk_formats::Limits::default(),
            )?;
            drop(bytes);
            println!("{} reader", peak_mb());
            drop(a);
            Ok(())
        }
        [m, file, cells] if m == "stages-child" => stages(Path::new(file), cells.parse()?),
        [m, cells, sheets] if m == "stages" => {
            let (cells, sheets): (u64, u64) = (cells.parse()?, sheets.parse()?);
            let dir = std::env::temp_dir()
                .join(format!("simdesk-import-rss-stages-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let file = make(&dir, cells, sheets)?;
            println!("{cells} cells over {sheets} sheets:");
            let st = Command::new(std::env::current_exe()?)
                .arg("stages-child")
                .arg(&file)
                .arg(cells.to_string())
                .status()?;
            let _ = std::fs::remove_dir_all(&dir);
            if !st.success() {
                return Err(format!("stages: {st}").into());
            }
            Ok(())
        }
        [m, cells] if m == "make" => {
            let dir = std::env::temp_dir().join("simdesk-import-rss-make");
            println!("{}", make(&dir, cells.parse()?, 1)?.display());
            Ok(())
        }
        [cells, sheets] => run(cells.parse()?, sheets.parse()?),
        [] => {
            for (cells, sheets) in [
                (1_000_000, 1),
                (5_000_000, 1),
                (250_000, 1),
                (500_000, 1),
                (2_000_000, 1),
                (1_000_000, 10),
                (1_000_000, 100),
                (1_000_000, 1000),
            ] {
                run(cells, sheets)?;
            }
            Ok(())
        }
        _ => Err("usage: import_rss [CELLS SHEETS]".into()),
    }
}
