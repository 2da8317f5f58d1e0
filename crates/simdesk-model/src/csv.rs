//! CSV field writing shared by every writer of `.csv` text: RFC 4180
//! quoting and the formula-injection guard.

/// Quotes one field per RFC 4180 when it needs it: a field holding `,`,
/// `"`, CR or LF is wrapped in quotes with its quotes doubled.
///
/// ```
/// assert_eq!(simdesk_model::csv::quote_field("a,b"), "\"a,b\"");
/// assert_eq!(simdesk_model::csv::quote_field("plain"), "plain");
/// ```
pub fn quote_field(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// Prefixes text a spreadsheet would run as a formula (starting with `=`,
/// `+`, `-`, `@`, tab, CR or NUL) with `'`. Apply it to text values only:
/// numbers, negative ones included, are written as they are.
///
/// ```
/// assert_eq!(simdesk_model::csv::guard_formula("=SUM(A1)"), "'=SUM(A1)");
/// assert_eq!(simdesk_model::csv::guard_formula("Cash"), "Cash");
/// ```
pub fn guard_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r', '\0']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}
