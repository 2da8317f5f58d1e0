//! The pptx writer: PresentationML parts as strings, zipped with fixed
//! entry times.

use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use simdesk_model::{Artifact, Bullet, Deck, Inline, Layout, SimTime, Slide, Table};

use super::{MAX_LEVEL, clean_text, deck_of};
use crate::look::{column_widths, is_total_label, looks_numeric, numeric_columns};
use crate::{ExportOptions, Format, FormatError, SharedParts, ZipPackage};

const NS_A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_P: &str = "http://schemas.openxmlformats.org/presentationml/2006/main";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const CT_PML: &str = "application/vnd.openxmlformats-officedocument.presentationml";
const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Slide size: 16:9, 13.333 in x 7.5 in, in EMU.
const SLIDE_W: i64 = 12_192_000;
const SLIDE_H: i64 = 6_858_000;
/// Left margin and content width, EMU.
const LEFT: i64 = 838_200;
const WIDTH: i64 = 10_515_600;
/// Height of one table row, EMU.
const ROW_H: i64 = 370_840;

/// Escapes text for XML content and attribute values, after dropping
/// characters XML cannot hold.
fn esc(s: &str) -> String {
    quick_xml::escape::escape(clean_text(s).as_str()).into_owned()
}

/// W3CDTF time for core properties.
fn w3c(t: SimTime) -> String {
    t.to_string()
}

/// Writes an [`Artifact::Deck`] as a `.pptx` package.
///
/// Parts are zipped in a fixed order, `[Content_Types].xml` first (as
/// Office writes it); the parts every deck shares are deflated once per
/// process and copied in.
pub fn export_pptx(artifact: &Artifact, opts: &ExportOptions) -> Result<Vec<u8>, FormatError> {
    let deck = deck_of(artifact).ok_or(FormatError::Unsupported {
        kind: artifact.kind(),
        format: Format::Pptx,
    })?;
    let fixed = fixed_parts()?;
    let n = deck.slides.len();
    let with_notes: Vec<bool> = deck
        .slides
        .iter()
        .map(|s| !clean_text(&s.notes).is_empty())
        .collect();
    let mut zip = ZipPackage::new(Format::Pptx, opts.modified);
    zip.part(
        "[Content_Types].xml",
        content_types(n, &with_notes).as_bytes(),
    )?;
    // The package relationships (first of the fixed parts), the parts that
    // depend on the deck, the rest of the fixed parts, then the slides.
    let [(rels, _), rest @ ..] = &FIXED_PARTS;
    zip.shared(fixed, rels)?;
    zip.part("docProps/core.xml", core_props(deck, opts).as_bytes())?;
    zip.part("docProps/app.xml", app_props(n).as_bytes())?;
    zip.part("ppt/presentation.xml", presentation(n).as_bytes())?;
    zip.part(
        "ppt/_rels/presentation.xml.rels",
        presentation_rels(n).as_bytes(),
    )?;
    for (name, _) in rest {
        zip.shared(fixed, name)?;
    }
    for (i, s) in deck.slides.iter().enumerate() {
        let k = i + 1;
        zip.part(&format!("ppt/slides/slide{k}.xml"), slide(s, k).as_bytes())?;
        zip.part(
            &format!("ppt/slides/_rels/slide{k}.xml.rels"),
            slide_rels(s, k, with_notes[i]).as_bytes(),
        )?;
        if with_notes[i] {
            zip.part(
                &format!("ppt/notesSlides/notesSlide{k}.xml"),
                notes_slide(&s.notes).as_bytes(),
            )?;
            zip.part(
                &format!("ppt/notesSlides/_rels/notesSlide{k}.xml.rels"),
                notes_rels(k).as_bytes(),
            )?;
        }
    }
    zip.finish()
}

/// Writes one part's XML.
type PartFn = fn() -> String;

/// The parts that are the same in every deck, by name, in zip order (the
/// package relationships first, then presentation properties, themes,
/// master, layouts and notes master).
const FIXED_PARTS: [(&str, PartFn); 14] = [
    ("_rels/.rels", package_rels),
    ("ppt/presProps.xml", pres_props),
    ("ppt/viewProps.xml", view_props),
    ("ppt/tableStyles.xml", table_styles),
    ("ppt/theme/theme1.xml", || theme("Simdesk")),
    ("ppt/theme/theme2.xml", || theme("Simdesk Notes")),
    ("ppt/slideMasters/slideMaster1.xml", slide_master),
    (
        "ppt/slideMasters/_rels/slideMaster1.xml.rels",
        slide_master_rels,
    ),
    ("ppt/slideLayouts/slideLayout1.xml", title_layout),
    ("ppt/slideLayouts/_rels/slideLayout1.xml.rels", layout_rels),
    ("ppt/slideLayouts/slideLayout2.xml", content_layout),
    ("ppt/slideLayouts/_rels/slideLayout2.xml.rels", layout_rels),
    ("ppt/notesMasters/notesMaster1.xml", notes_master),
    (
        "ppt/notesMasters/_rels/notesMaster1.xml.rels",
        notes_master_rels,
    ),
];

/// [`FIXED_PARTS`] deflated, once per process.
fn fixed_parts() -> Result<&'static SharedParts, FormatError> {
    static FIXED: OnceLock<Result<SharedParts, Arc<FormatError>>> = OnceLock::new();
    FIXED
        .get_or_init(|| {
            let parts = FIXED_PARTS
                .iter()
                .map(|(name, body)| ((*name).to_owned(), body().into_bytes()))
                .collect();
            SharedParts::new(Format::Pptx, parts).map_err(Arc::new)
        })
        .as_ref()
        .map_err(|e| FormatError::write_by(Format::Pptx, "shared parts", Arc::clone(e)))
}

fn content_types(n: usize, with_notes: &[bool]) -> String {
    let mut s = format!(
        "{HEAD}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/ppt/presentation.xml\" ContentType=\"{CT_PML}.presentation.main+xml\"/>\
<Override PartName=\"/ppt/slideMasters/slideMaster1.xml\" ContentType=\"{CT_PML}.slideMaster+xml\"/>\
<Override PartName=\"/ppt/slideLayouts/slideLayout1.xml\" ContentType=\"{CT_PML}.slideLayout+xml\"/>\
<Override PartName=\"/ppt/slideLayouts/slideLayout2.xml\" ContentType=\"{CT_PML}.slideLayout+xml\"/>\
<Override PartName=\"/ppt/notesMasters/notesMaster1.xml\" ContentType=\"{CT_PML}.notesMaster+xml\"/>\
<Override PartName=\"/ppt/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/>\
<Override PartName=\"/ppt/theme/theme2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/>\
<Override PartName=\"/ppt/presProps.xml\" ContentType=\"{CT_PML}.presProps+xml\"/>\
<Override PartName=\"/ppt/viewProps.xml\" ContentType=\"{CT_PML}.viewProps+xml\"/>\
<Override PartName=\"/ppt/tableStyles.xml\" ContentType=\"{CT_PML}.tableStyles+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
    );
    for k in 1..=n {
        let _ = write!(
            s,
            "<Override PartName=\"/ppt/slides/slide{k}.xml\" ContentType=\"{CT_PML}.slide+xml\"/>"
        );
        if with_notes[k - 1] {
            let _ = write!(
                s,
                "<Override PartName=\"/ppt/notesSlides/notesSlide{k}.xml\" ContentType=\"{CT_PML}.notesSlide+xml\"/>"
            );
        }
    }
    s.push_str("</Types>");
    s
}

fn package_rels() -> String {
    format!(
        "{HEAD}<Relationships xmlns=\"{PKG_REL}\">\
<Relationship Id=\"rId1\" Type=\"{REL}/officeDocument\" Target=\"ppt/presentation.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"{REL}/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>"
    )
}

fn core_props(deck: &Deck, opts: &ExportOptions) -> String {
    let title = deck
        .title
        .as_deref()
        .filter(|t| !clean_text(t).is_empty())
        .map(|t| format!("<dc:title>{}</dc:title>", esc(t)))
        .unwrap_or_default();
    format!(
        "{HEAD}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
{title}<dc:creator>{author}</dc:creator><cp:lastModifiedBy>{author}</cp:lastModifiedBy>\
<cp:revision>1</cp:revision>\
<dcterms:created xsi:type=\"dcterms:W3CDTF\">{created}</dcterms:created>\
<dcterms:modified xsi:type=\"dcterms:W3CDTF\">{modified}</dcterms:modified>\
</cp:coreProperties>",
        author = esc(&opts.author),
        created = w3c(opts.created),
        modified = w3c(opts.modified),
    )
}

fn app_props(n: usize) -> String {
    format!(
        "{HEAD}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
<Application>simdesk</Application><PresentationFormat>Widescreen</PresentationFormat>\
<Slides>{n}</Slides><AppVersion>16.0000</AppVersion></Properties>"
    )
}

fn presentation(n: usize) -> String {
    let mut ids = String::new();
    for k in 1..=n {
        let _ = write!(ids, "<p:sldId id=\"{}\" r:id=\"rId{}\"/>", 255 + k, 6 + k);
    }
    let sld_id_lst = if n == 0 {
        String::new()
    } else {
        format!("<p:sldIdLst>{ids}</p:sldIdLst>")
    };
    format!(
        "{HEAD}<p:presentation xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\" xmlns:p=\"{NS_P}\" saveSubsetFonts=\"1\">\
<p:sldMasterIdLst><p:sldMasterId id=\"2147483648\" r:id=\"rId1\"/></p:sldMasterIdLst>\
<p:notesMasterIdLst><p:notesMasterId r:id=\"rId2\"/></p:notesMasterIdLst>\
{sld_id_lst}<p:sldSz cx=\"{SLIDE_W}\" cy=\"{SLIDE_H}\"/><p:notesSz cx=\"6858000\" cy=\"9144000\"/>\
<p:defaultTextStyle>{levels}</p:defaultTextStyle></p:presentation>",
        levels = default_levels(),
    )
}

fn default_levels() -> String {
    let mut s = String::from("<a:defPPr><a:defRPr lang=\"en-US\"/></a:defPPr>");
    for l in 1..=9 {
        let _ = write!(
            s,
            "<a:lvl{l}pPr marL=\"{}\" algn=\"l\" defTabSz=\"914400\" rtl=\"0\" eaLnBrk=\"1\" latinLnBrk=\"0\" hangingPunct=\"1\">\
<a:defRPr sz=\"1800\" kern=\"1200\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill>\
<a:latin typeface=\"+mn-lt\"/><a:ea typeface=\"+mn-ea\"/><a:cs typeface=\"+mn-cs\"/></a:defRPr></a:lvl{l}pPr>",
            (l - 1) * 457_200
        );
    }
    s
}

fn presentation_rels(n: usize) -> String {
    let mut s = format!(
        "{HEAD}<Relationships xmlns=\"{PKG_REL}\">\
<Relationship Id=\"rId1\" Type=\"{REL}/slideMaster\" Target=\"slideMasters/slideMaster1.xml\"/>\
<Relationship Id=\"rId2\" Type=\"{REL}/notesMaster\" Target=\"notesMasters/notesMaster1.xml\"/>\
<Relationship Id=\"rId3\" Type=\"{REL}/theme\" Target=\"theme/theme1.xml\"/>\
<Relationship Id=\"rId4\" Type=\"{REL}/presProps\" Target=\"presProps.xml\"/>\
<Relationship Id=\"rId5\" Type=\"{REL}/viewProps\" Target=\"viewProps.xml\"/>\
<Relationship Id=\"rId6\" Type=\"{REL}/tableStyles\" Target=\"tableStyles.xml\"/>"
    );
    for k in 1..=n {
        let _ = write!(
            s,
            "<Relationship Id=\"rId{}\" Type=\"{REL}/slide\" Target=\"slides/slide{k}.xml\"/>",
            6 + k
        );
    }
    s.push_str("</Relationships>");
    s
}

fn pres_props() -> String {
    format!("{HEAD}<p:presentationPr xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\" xmlns:p=\"{NS_P}\"/>")
}

fn view_props() -> String {
    format!(
        "{HEAD}<p:viewPr xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\" xmlns:p=\"{NS_P}\">\
<p:normalViewPr><p:restoredLeft sz=\"15620\"/><p:restoredTop sz=\"94660\"/></p:normalViewPr>\
<p:gridSpacing cx=\"76200\" cy=\"76200\"/></p:viewPr>"
    )
}

/// The id of PowerPoint's built-in "Medium Style 2 - Accent 1" table style.
const TABLE_STYLE: &str = "{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}";

fn table_styles() -> String {
    format!("{HEAD}<a:tblStyleLst xmlns:a=\"{NS_A}\" def=\"{TABLE_STYLE}\"/>")
}

fn theme(name: &str) -> String {
    let fill = "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>";
    let line = |w: u32| {
        format!(
            "<a:ln w=\"{w}\" cap=\"flat\" cmpd=\"sng\" algn=\"ctr\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>\
<a:prstDash val=\"solid\"/><a:miter lim=\"800000\"/></a:ln>"
        )
    };
    format!(
        "{HEAD}<a:theme xmlns:a=\"{NS_A}\" name=\"{name}\"><a:themeElements>\
<a:clrScheme name=\"Simdesk\">\
<a:dk1><a:srgbClr val=\"262626\"/></a:dk1><a:lt1><a:srgbClr val=\"FFFFFF\"/></a:lt1>\
<a:dk2><a:srgbClr val=\"1F3864\"/></a:dk2><a:lt2><a:srgbClr val=\"EEF1F6\"/></a:lt2>\
<a:accent1><a:srgbClr val=\"2E75B6\"/></a:accent1><a:accent2><a:srgbClr val=\"C55A11\"/></a:accent2>\
<a:accent3><a:srgbClr val=\"7F7F7F\"/></a:accent3><a:accent4><a:srgbClr val=\"BF9000\"/></a:accent4>\
<a:accent5><a:srgbClr val=\"1F3864\"/></a:accent5><a:accent6><a:srgbClr val=\"548235\"/></a:accent6>\
<a:hlink><a:srgbClr val=\"0563C1\"/></a:hlink><a:folHlink><a:srgbClr val=\"954F72\"/></a:folHlink>\
</a:clrScheme>\
<a:fontScheme name=\"Simdesk\">\
<a:majorFont><a:latin typeface=\"Calibri Light\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/></a:majorFont>\
<a:minorFont><a:latin typeface=\"Calibri\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/></a:minorFont>\
</a:fontScheme>\
<a:fmtScheme name=\"Simdesk\">\
<a:fillStyleLst>{fill}{fill}{fill}</a:fillStyleLst>\
<a:lnStyleLst>{l1}{l2}{l3}</a:lnStyleLst>\
<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle>\
<a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst>\
<a:bgFillStyleLst>{fill}{fill}{fill}</a:bgFillStyleLst>\
</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>",
        l1 = line(6350),
        l2 = line(12700),
        l3 = line(19050),
    )
}

const CLR_MAP: &str = "bg1=\"lt1\" tx1=\"dk1\" bg2=\"lt2\" tx2=\"dk2\" accent1=\"accent1\" accent2=\"accent2\" \
accent3=\"accent3\" accent4=\"accent4\" accent5=\"accent5\" accent6=\"accent6\" hlink=\"hlink\" folHlink=\"folHlink\"";

fn group_start() -> &'static str {
    "<p:nvGrpSpPr><p:cNvPr id=\"1\" name=\"\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>\
<p:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" cy=\"0\"/><a:chOff x=\"0\" y=\"0\"/><a:chExt cx=\"0\" cy=\"0\"/></a:xfrm></p:grpSpPr>"
}

/// A placeholder shape. `ph` is the `p:ph` element's attributes; `xfrm` the
/// position (None inherits it from the layout); `body` the `a:p` elements.
fn placeholder(
    id: u32,
    name: &str,
    ph: &str,
    xfrm: Option<(i64, i64, i64, i64)>,
    body: &str,
) -> String {
    let sp_pr = match xfrm {
        Some((x, y, w, h)) => format!(
            "<p:spPr><a:xfrm><a:off x=\"{x}\" y=\"{y}\"/><a:ext cx=\"{w}\" cy=\"{h}\"/></a:xfrm></p:spPr>"
        ),
        None => "<p:spPr/>".to_owned(),
    };
    format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{name}\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr>\
<p:nvPr><p:ph {ph}/></p:nvPr></p:nvSpPr>{sp_pr}<p:txBody><a:bodyPr/><a:lstStyle/>{body}</p:txBody></p:sp>"
    )
}

const TITLE_BOX: (i64, i64, i64, i64) = (LEFT, 365_125, WIDTH, 1_325_563);
const BODY_BOX: (i64, i64, i64, i64) = (LEFT, 1_825_625, WIDTH, 4_351_338);
const CTR_TITLE_BOX: (i64, i64, i64, i64) = (1_524_000, 1_122_363, 9_144_000, 2_387_600);
const SUBTITLE_BOX: (i64, i64, i64, i64) = (1_524_000, 3_602_038, 9_144_000, 1_655_762);
/// The slide number, bottom right.
const NUMBER_BOX: (i64, i64, i64, i64) = (8_610_600, 6_356_350, 2_743_200, 365_125);
/// Size of first-level bullets, hundredths of a point.
const BULLET_SIZE: u32 = 2400;
/// Where the accent rule under the title sits, and its thickness.
const BAR_Y: i64 = 1_710_000;
const BAR_H: i64 = 38_100;

/// The theme-coloured rule under the title of every content slide (a
/// shape of the master; the title layout hides it).
fn accent_bar() -> String {
    format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"4\" name=\"Title Rule\"/><p:cNvSpPr/><p:nvPr userDrawn=\"1\"/></p:nvSpPr>\
<p:spPr><a:xfrm><a:off x=\"{LEFT}\" y=\"{BAR_Y}\"/><a:ext cx=\"{WIDTH}\" cy=\"{BAR_H}\"/></a:xfrm>\
<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:solidFill><a:schemeClr val=\"accent1\"/></a:solidFill><a:ln><a:noFill/></a:ln></p:spPr>\
<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang=\"en-US\"/></a:p></p:txBody></p:sp>"
    )
}

/// A slide-number placeholder holding the `slidenum` field (`text` is
/// its current value: the number on a slide, `‹#›` on the master).
fn slide_number(id: u32, idx: &str, xfrm: Option<(i64, i64, i64, i64)>, text: &str) -> String {
    let sp_pr = match xfrm {
        Some((x, y, w, h)) => format!(
            "<p:spPr><a:xfrm><a:off x=\"{x}\" y=\"{y}\"/><a:ext cx=\"{w}\" cy=\"{h}\"/></a:xfrm>\
<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr>"
        ),
        None => "<p:spPr/>".to_owned(),
    };
    let style = if xfrm.is_some() {
        "<a:bodyPr anchor=\"ctr\"/><a:lstStyle><a:lvl1pPr algn=\"r\"><a:defRPr sz=\"1200\">\
<a:solidFill><a:schemeClr val=\"tx1\"><a:lumMod val=\"50000\"/><a:lumOff val=\"50000\"/></a:schemeClr></a:solidFill>\
</a:defRPr></a:lvl1pPr></a:lstStyle>"
    } else {
        "<a:bodyPr/><a:lstStyle/>"
    };
    format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"Slide Number Placeholder {id}\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr>\
<p:nvPr><p:ph type=\"sldNum\" sz=\"quarter\" {idx}/></p:nvPr></p:nvSpPr>{sp_pr}<p:txBody>{style}\
<a:p><a:fld id=\"{{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}}\" type=\"slidenum\"><a:rPr lang=\"en-US\"/><a:t>{text}</a:t></a:fld>\
<a:endParaRPr lang=\"en-US\"/></a:p></p:txBody></p:sp>"
    )
}

fn slide_master() -> String {
    let empty = "<a:p><a:endParaRPr lang=\"en-US\"/></a:p>";
    let mut body_style = String::new();
    for l in 1..=9u32 {
        let mar = 228_600 + (l - 1) * 457_200;
        let sz = if l == 1 {
            BULLET_SIZE
        } else if l == 2 {
            2000
        } else {
            1800
        };
        let _ = write!(
            body_style,
            "<a:lvl{l}pPr marL=\"{mar}\" indent=\"-228600\" algn=\"l\" rtl=\"0\" eaLnBrk=\"1\" latinLnBrk=\"0\" hangingPunct=\"1\">\
<a:spcBef><a:spcPts val=\"1000\"/></a:spcBef><a:buClr><a:schemeClr val=\"accent1\"/></a:buClr><a:buFont typeface=\"Arial\"/><a:buChar char=\"&#8226;\"/>\
<a:defRPr sz=\"{sz}\" kern=\"1200\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill>\
<a:latin typeface=\"+mn-lt\"/><a:ea typeface=\"+mn-ea\"/><a:cs typeface=\"+mn-cs\"/></a:defRPr></a:lvl{l}pPr>"
        );
    }
    format!(
        "{HEAD}<p:sldMaster xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\" xmlns:p=\"{NS_P}\">\
<p:cSld><p:bg><p:bgRef idx=\"1001\"><a:schemeClr val=\"bg1\"/></p:bgRef></p:bg><p:spTree>{grp}{title}{body}{bar}{number}</p:spTree></p:cSld>\
<p:clrMap {CLR_MAP}/>\
<p:sldLayoutIdLst><p:sldLayoutId id=\"2147483649\" r:id=\"rId1\"/><p:sldLayoutId id=\"2147483650\" r:id=\"rId2\"/></p:sldLayoutIdLst>\
<p:txStyles>\
<p:titleStyle><a:lvl1pPr algn=\"l\" rtl=\"0\" eaLnBrk=\"1\" latinLnBrk=\"0\" hangingPunct=\"1\"><a:spcBef><a:spcPct val=\"0\"/></a:spcBef><a:buNone/>\
<a:defRPr sz=\"3600\" kern=\"1200\"><a:solidFill><a:schemeClr val=\"tx2\"/></a:solidFill>\
<a:latin typeface=\"+mj-lt\"/><a:ea typeface=\"+mj-ea\"/><a:cs typeface=\"+mj-cs\"/></a:defRPr></a:lvl1pPr></p:titleStyle>\
<p:bodyStyle>{body_style}</p:bodyStyle>\
<p:otherStyle>{other}</p:otherStyle>\
</p:txStyles></p:sldMaster>",
        grp = group_start(),
        title = placeholder(
            2,
            "Title Placeholder 1",
            "type=\"title\"",
            Some(TITLE_BOX),
            empty
        )
        .replace(
            "<a:bodyPr/>",
            "<a:bodyPr anchor=\"b\"><a:normAutofit/></a:bodyPr>"
        ),
        bar = accent_bar(),
        number = slide_number(5, "idx=\"4\"", Some(NUMBER_BOX), "&#8249;#&#8250;"),
        body = placeholder(
            3,
            "Text Placeholder 2",
            "type=\"body\" idx=\"1\"",
            Some(BODY_BOX),
            empty
        ),
        other = default_levels(),
    )
}

fn slide_master_rels() -> String {
    format!(
        "{HEAD}<Relationships xmlns=\"{PKG_REL}\">\
<Relationship Id=\"rId1\" Type=\"{REL}/slideLayout\" Target=\"../slideLayouts/slideLayout1.xml\"/>\
<Relationship Id=\"rId2\" Type=\"{REL}/slideLayout\" Target=\"../slideLayouts/slideLayout2.xml\"/>\
<Relationship Id=\"rId3\" Type=\"{REL}/theme\" Target=\"../theme/theme1.xml\"/>\
</Relationships>"
    )
}

fn layout(kind: &str, name: &str, shapes: &str) -> String {
    // The title slide shows none of the master's shapes (rule, number).
    let master_shapes = if kind == "title" {
        " showMasterSp=\"0\""
    } else {
        ""
    };
    format!(
        "{HEAD}<p:sldLayout xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\" xmlns:p=\"{NS_P}\" type=\"{kind}\" preserve=\"1\"{master_shapes}>\
<p:cSld name=\"{name}\"><p:spTree>{grp}{shapes}</p:spTree></p:cSld>\
<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>",
        grp = group_start(),
    )
}

fn title_layout() -> String {
    let empty = "<a:p><a:endParaRPr lang=\"en-US\"/></a:p>";
    let sub = "<a:lstStyle><a:lvl1pPr marL=\"0\" indent=\"0\" algn=\"ctr\"><a:buNone/><a:defRPr sz=\"2400\"/></a:lvl1pPr></a:lstStyle>";
    let subtitle = placeholder(
        3,
        "Subtitle 2",
        "type=\"subTitle\" idx=\"1\"",
        Some(SUBTITLE_BOX),
        empty,
    )
    .replace("<a:lstStyle/>", sub);
    let title = placeholder(
        2,
        "Title 1",
        "type=\"ctrTitle\"",
        Some(CTR_TITLE_BOX),
        empty,
    )
    .replace(
        "<a:lstStyle/>",
        "<a:lstStyle><a:lvl1pPr algn=\"ctr\"><a:defRPr sz=\"6000\"/></a:lvl1pPr></a:lstStyle>",
    );
    layout("title", "Title Slide", &format!("{title}{subtitle}"))
}

fn content_layout() -> String {
    let empty = "<a:p><a:endParaRPr lang=\"en-US\"/></a:p>";
    let shapes = format!(
        "{}{}{}",
        placeholder(2, "Title 1", "type=\"title\"", None, empty),
        placeholder(3, "Content Placeholder 2", "idx=\"1\"", None, empty),
        slide_number(4, "idx=\"12\"", None, "&#8249;#&#8250;")
    );
    layout("obj", "Title and Content", &shapes)
}

fn layout_rels() -> String {
    format!(
        "{HEAD}<Relationships xmlns=\"{PKG_REL}\">\
<Relationship Id=\"rId1\" Type=\"{REL}/slideMaster\" Target=\"../slideMasters/slideMaster1.xml\"/>\
</Relationships>"
    )
}

fn notes_master() -> String {
    let empty = "<a:p><a:endParaRPr lang=\"en-US\"/></a:p>";
    let img = "<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Slide Image Placeholder 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\" noRot=\"1\" noChangeAspect=\"1\"/></p:cNvSpPr>\
<p:nvPr><p:ph type=\"sldImg\" idx=\"2\"/></p:nvPr></p:nvSpPr>\
<p:spPr><a:xfrm><a:off x=\"685800\" y=\"1143000\"/><a:ext cx=\"5486400\" cy=\"3086100\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr></p:sp>";
    format!(
        "{HEAD}<p:notesMaster xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\" xmlns:p=\"{NS_P}\">\
<p:cSld><p:bg><p:bgRef idx=\"1001\"><a:schemeClr val=\"bg1\"/></p:bgRef></p:bg><p:spTree>{grp}{img}{body}</p:spTree></p:cSld>\
<p:clrMap {CLR_MAP}/><p:notesStyle>{levels}</p:notesStyle></p:notesMaster>",
        grp = group_start(),
        body = placeholder(
            3,
            "Notes Placeholder 2",
            "type=\"body\" sz=\"quarter\" idx=\"3\"",
            Some((685_800, 4_400_550, 5_486_400, 3_600_450)),
            empty
        ),
        levels = default_levels().replace("sz=\"1800\"", "sz=\"1200\""),
    )
}

fn notes_master_rels() -> String {
    format!(
        "{HEAD}<Relationships xmlns=\"{PKG_REL}\">\
<Relationship Id=\"rId1\" Type=\"{REL}/theme\" Target=\"../theme/theme2.xml\"/>\
</Relationships>"
    )
}

/// `a:r` runs for text that may hold line breaks: a break becomes `a:br`,
/// and an empty piece next to a break writes no run.
fn runs(out: &mut String, text: &str, bold: bool, italic: bool) {
    sized_runs(out, text, bold, italic, None);
}

/// [`runs`] at `size` (hundredths of a point) when given.
fn sized_runs(out: &mut String, text: &str, bold: bool, italic: bool, size: Option<u32>) {
    let mut attrs = String::from(" lang=\"en-US\"");
    if let Some(sz) = size {
        let _ = write!(attrs, " sz=\"{sz}\"");
    }
    if bold {
        attrs.push_str(" b=\"1\"");
    }
    if italic {
        attrs.push_str(" i=\"1\"");
    }
    let text = clean_text(text);
    let mut pieces = text.split('\n');
    let first = pieces.next().unwrap_or_default();
    let rest: Vec<&str> = pieces.collect();
    let run = |out: &mut String, t: &str| {
        let _ = write!(
            out,
            "<a:r><a:rPr{attrs} dirty=\"0\"/><a:t>{}</a:t></a:r>",
            esc(t)
        );
    };
    if rest.is_empty() || !first.is_empty() {
        run(out, first);
    }
    for piece in rest {
        let _ = write!(out, "<a:br><a:rPr{attrs} dirty=\"0\"/></a:br>");
        if !piece.is_empty() {
            run(out, piece);
        }
    }
}

fn inline_runs(out: &mut String, inlines: &[Inline]) {
    sized_inline_runs(out, inlines, None);
}

/// [`inline_runs`] at `size` (hundredths of a point) when given.
fn sized_inline_runs(out: &mut String, inlines: &[Inline], size: Option<u32>) {
    for i in inlines {
        match i {
            Inline::Text { text, bold, italic } => sized_runs(out, text, *bold, *italic, size),
            Inline::Field(f) => sized_runs(out, &f.display, false, false, size),
        }
    }
}

/// One paragraph per line of `text` (notes).
fn line_paragraphs(text: &str) -> String {
    let mut s = String::new();
    for line in clean_text(text).split('\n') {
        s.push_str("<a:p>");
        if !line.is_empty() {
            runs(&mut s, line, false, false);
        }
        s.push_str("<a:endParaRPr lang=\"en-US\" dirty=\"0\"/></a:p>");
    }
    s
}

/// One paragraph holding `text`, line breaks as `a:br`.
fn text_paragraph(text: &str) -> String {
    let mut s = String::from("<a:p>");
    if !text.is_empty() {
        runs(&mut s, text, false, false);
    }
    s.push_str("<a:endParaRPr lang=\"en-US\" dirty=\"0\"/></a:p>");
    s
}

/// Lines a bullet takes at the first level's size across the body width
/// (about 62 characters a line at 24 pt).
fn bullet_lines(b: &Bullet) -> i64 {
    let chars: usize = b.inlines.iter().map(|i| i.display().chars().count()).sum();
    (chars.max(1) as i64 + 61) / 62
}

/// Height of one line of first-level bullet text, EMU (1.2 x 24 pt).
const LINE_H: i64 = 365_760;
/// One point, EMU.
const PT: i64 = 12_700;

/// Spacing before each bullet (hundredths of a point) that spreads
/// `bullets` over `height` EMU of the body area: the text keeps its size
/// and the gaps grow, between 10 pt and 36 pt, so a short list is not
/// crammed into the top of the slide.
fn bullet_spacing(bullets: &[Bullet], height: i64) -> i64 {
    let lines: i64 = bullets.iter().map(bullet_lines).sum();
    let n = bullets.len().max(1) as i64;
    let spare = height * 4 / 5 - lines * LINE_H;
    (spare / n / PT).clamp(10, 36) * 100
}

fn slide(s: &Slide, k: usize) -> String {
    let mut shapes = String::new();
    let mut id = 2;
    let (title_ph, title_name) = match s.layout {
        Layout::Title => ("type=\"ctrTitle\"", "Title 1"),
        Layout::TitleAndContent => ("type=\"title\"", "Title 1"),
    };
    shapes.push_str(&placeholder(
        id,
        title_name,
        title_ph,
        None,
        &text_paragraph(&s.title),
    ));
    id += 1;
    // The body area below the title rule, and what is left of it.
    let (_, body_y, _, body_h) = BODY_BOX;
    let mut top = body_y;
    if let Some(sub) = &s.subtitle {
        let xfrm = match s.layout {
            Layout::Title => None,
            Layout::TitleAndContent => Some((LEFT, body_y, WIDTH, 500_000)),
        };
        let ph = match s.layout {
            Layout::Title => "type=\"subTitle\" idx=\"1\"",
            Layout::TitleAndContent => "type=\"subTitle\" idx=\"13\"",
        };
        shapes.push_str(&placeholder(
            id,
            "Subtitle 2",
            ph,
            xfrm,
            &text_paragraph(sub),
        ));
        id += 1;
        if s.layout == Layout::TitleAndContent {
            top += 560_000;
        }
    }
    let bottom = body_y + body_h;
    let table_rows = s.table.as_ref().map_or(0, |t| t.rows.len());
    let table_cols = s
        .table
        .as_ref()
        .map_or(0, |t| t.rows.iter().map(Vec::len).max().unwrap_or(0));
    let has_table = table_rows > 0 && table_cols > 0;
    if !s.bullets.is_empty() {
        // With a table below, the bullets take the height their lines
        // need (at most half the body); alone, the whole body, their
        // spacing grown to spread them over it.
        let lines: i64 = s.bullets.iter().map(bullet_lines).sum();
        let natural = lines * LINE_H + s.bullets.len() as i64 * 14 * PT + 91_440;
        let height = match (s.layout, has_table) {
            (Layout::TitleAndContent, true) => natural.min((bottom - top) / 2),
            (Layout::TitleAndContent, false) => bottom - top,
            (Layout::Title, _) => 1_500_000,
        };
        let spacing = if has_table {
            1000
        } else {
            bullet_spacing(&s.bullets, height)
        };
        let mut body = String::new();
        for b in &s.bullets {
            body.push_str("<a:p>");
            let lvl = b.level.min(MAX_LEVEL);
            if lvl > 0 {
                let _ = write!(body, "<a:pPr lvl=\"{lvl}\">");
            } else {
                body.push_str("<a:pPr>");
            }
            let _ = write!(
                body,
                "<a:spcBef><a:spcPts val=\"{spacing}\"/></a:spcBef></a:pPr>"
            );
            inline_runs(&mut body, &b.inlines);
            body.push_str("<a:endParaRPr lang=\"en-US\" dirty=\"0\"/></a:p>");
        }
        let (ph, xfrm) = match s.layout {
            Layout::TitleAndContent => ("idx=\"1\"", Some((LEFT, top, WIDTH, height))),
            Layout::Title => (
                "type=\"body\" idx=\"2\"",
                Some((LEFT, 4_800_000, WIDTH, 1_500_000)),
            ),
        };
        shapes.push_str(&placeholder(id, "Content Placeholder 3", ph, xfrm, &body));
        id += 1;
        if s.layout == Layout::TitleAndContent {
            top += height + 150_000;
        }
    }
    if let Some(t) = s.table.as_ref().filter(|_| has_table) {
        let y = if s.layout == Layout::Title && !s.bullets.is_empty() {
            3_950_000
        } else {
            top
        };
        shapes.push_str(&table_frame(id, t, table_cols, y, (bottom - y).max(ROW_H)));
        id += 1;
    }
    if s.layout == Layout::TitleAndContent {
        shapes.push_str(&slide_number(id, "idx=\"12\"", None, &k.to_string()));
    }
    format!(
        "{HEAD}<p:sld xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\" xmlns:p=\"{NS_P}\">\
<p:cSld><p:spTree>{grp}{shapes}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>",
        grp = group_start(),
    )
}

/// A table in the body area from `y`, at most `room` EMU tall: columns
/// as wide as their content asks, rows as tall as the room allows
/// (between one small and one comfortable line; smaller text for long
/// tables), numeric columns right-aligned, the header row in the table
/// style's header colours and a last `Total` row in its total style.
fn table_frame(id: u32, t: &Table, cols: usize, y: i64, room: i64) -> String {
    let text: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| c.iter().map(Inline::display).collect())
                .collect()
        })
        .collect();
    let numeric = numeric_columns(&text, t.header);
    let rows = t.rows.len() as i64;
    let (row_h, size) = if rows > 9 {
        ((room / rows).clamp(280_000, ROW_H), 1200)
    } else {
        ((room / rows).clamp(ROW_H, 520_000), 1600)
    };
    // About 0.55 em a character, in EMU (1 pt = 12,700 EMU).
    let unit = size * 127 * 55 / 100;
    let widths = column_widths(&text, WIDTH as u32, unit, 3, 60);
    let total = t.rows.len() > 1
        && text
            .last()
            .and_then(|r| r.first())
            .is_some_and(|c| is_total_label(c));
    let mut s = format!(
        "<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id=\"{id}\" name=\"Table {id}\"/>\
<p:cNvGraphicFramePr><a:graphicFrameLocks noGrp=\"1\"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr>\
<p:xfrm><a:off x=\"{LEFT}\" y=\"{y}\"/><a:ext cx=\"{WIDTH}\" cy=\"{h}\"/></p:xfrm>\
<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/table\">\
<a:tbl><a:tblPr{first}{last} bandRow=\"1\"><a:tableStyleId>{TABLE_STYLE}</a:tableStyleId></a:tblPr><a:tblGrid>",
        h = row_h * rows,
        first = if t.header { " firstRow=\"1\"" } else { "" },
        last = if total { " lastRow=\"1\"" } else { "" },
    );
    for c in 0..cols {
        let w = widths.get(c).copied().unwrap_or(0);
        let _ = write!(s, "<a:gridCol w=\"{w}\"/>");
    }
    s.push_str("</a:tblGrid>");
    let empty: Vec<Inline> = Vec::new();
    for (r, row) in t.rows.iter().enumerate() {
        let _ = write!(s, "<a:tr h=\"{row_h}\">");
        for c in 0..cols {
            let cell = row.get(c).unwrap_or(&empty);
            s.push_str("<a:tc><a:txBody><a:bodyPr/><a:lstStyle/><a:p>");
            let right = c > 0
                && (numeric.get(c).copied().unwrap_or(false)
                    || (r > 0 || !t.header) && text[r].get(c).is_some_and(|x| looks_numeric(x)));
            if right {
                s.push_str("<a:pPr algn=\"r\"/>");
            }
            sized_inline_runs(&mut s, cell, Some(size));
            let _ = write!(
                s,
                "<a:endParaRPr lang=\"en-US\" sz=\"{size}\" dirty=\"0\"/></a:p></a:txBody><a:tcPr anchor=\"ctr\"/></a:tc>"
            );
        }
        s.push_str("</a:tr>");
    }
    s.push_str("</a:tbl></a:graphicData></a:graphic></p:graphicFrame>");
    s
}

fn slide_rels(s: &Slide, k: usize, notes: bool) -> String {
    let layout = match s.layout {
        Layout::Title => 1,
        Layout::TitleAndContent => 2,
    };
    let mut r = format!(
        "{HEAD}<Relationships xmlns=\"{PKG_REL}\">\
<Relationship Id=\"rId1\" Type=\"{REL}/slideLayout\" Target=\"../slideLayouts/slideLayout{layout}.xml\"/>"
    );
    if notes {
        let _ = write!(
            r,
            "<Relationship Id=\"rId2\" Type=\"{REL}/notesSlide\" Target=\"../notesSlides/notesSlide{k}.xml\"/>"
        );
    }
    r.push_str("</Relationships>");
    r
}

fn notes_slide(notes: &str) -> String {
    let img = "<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Slide Image Placeholder 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\" noRot=\"1\" noChangeAspect=\"1\"/></p:cNvSpPr>\
<p:nvPr><p:ph type=\"sldImg\"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp>";
    format!(
        "{HEAD}<p:notes xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\" xmlns:p=\"{NS_P}\">\
<p:cSld><p:spTree>{grp}{img}{body}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>",
        grp = group_start(),
        body = placeholder(
            3,
            "Notes Placeholder 2",
            "type=\"body\" idx=\"1\"",
            None,
            &line_paragraphs(notes)
        ),
    )
}

fn notes_rels(k: usize) -> String {
    format!(
        "{HEAD}<Relationships xmlns=\"{PKG_REL}\">\
<Relationship Id=\"rId1\" Type=\"{REL}/notesMaster\" Target=\"../notesMasters/notesMaster1.xml\"/>\
<Relationship Id=\"rId2\" Type=\"{REL}/slide\" Target=\"../slides/slide{k}.xml\"/>\
</Relationships>"
    )
}
