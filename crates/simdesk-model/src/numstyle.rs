//! How a country writes numbers: its decimal and thousands separators and
//! how digits are grouped (`1,234,567.5`, `1.234.567,5`, `12,34,567.5`).
//!
//! A number format carries its country as a locale tag (`[$-407]` is
//! German): [`format_value`](crate::format_value) writes the digits of a
//! tagged format with that country's separators, as LibreOffice does.
//! Whoever reads a figure back (the grader reading an agent's answer or a
//! file) reads it with the world's [`NumberStyle`], which the persona's
//! profile records ([`Persona::number_style`](crate::Persona::number_style)).

use serde::{Deserialize, Serialize};

/// How the digits left of the decimal separator are grouped.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Grouping {
    /// Groups of three: `1,234,567`.
    #[default]
    Western,
    /// Lakh and crore: the last three digits, then groups of two
    /// (`12,34,567`, `1,23,45,678`).
    Indian,
}

/// The separators and grouping of a country's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NumberStyle {
    /// Decimal separator (`.`, `,`).
    pub decimal: char,
    /// Thousands separator (`,`, `.`, a space).
    pub thousands: char,
    /// How digits are grouped.
    #[serde(default)]
    pub grouping: Grouping,
}

impl Default for NumberStyle {
    fn default() -> NumberStyle {
        NumberStyle::WESTERN
    }
}

impl NumberStyle {
    /// `1,234,567.89` (the US, the UK, Singapore …); what a format code
    /// itself writes.
    pub const WESTERN: NumberStyle = NumberStyle {
        decimal: '.',
        thousands: ',',
        grouping: Grouping::Western,
    };

    /// `1.234.567,89` (Germany, Austria, the Netherlands, Italy, Spain).
    pub const CONTINENTAL: NumberStyle = NumberStyle {
        decimal: ',',
        thousands: '.',
        grouping: Grouping::Western,
    };

    /// `12,34,567.89` (India).
    pub const INDIAN: NumberStyle = NumberStyle {
        decimal: '.',
        thousands: ',',
        grouping: Grouping::Indian,
    };

    /// The style of a Windows locale id as number formats tag it
    /// (`[$-407]` → `0x407`, German), for the locales whose separators
    /// differ from the format code's own; `None` for any other id (such a
    /// format shows `1,234.5`).
    ///
    /// ```
    /// use simdesk_model::NumberStyle;
    /// assert_eq!(NumberStyle::from_lcid(0x407), Some(NumberStyle::CONTINENTAL));
    /// assert_eq!(NumberStyle::from_lcid(0x4009), Some(NumberStyle::INDIAN));
    /// assert_eq!(NumberStyle::from_lcid(0x409), None);
    /// ```
    pub fn from_lcid(lcid: u32) -> Option<NumberStyle> {
        // The low 16 bits name the language and country; higher bits
        // (calendar, digits) do not change the separators.
        match lcid & 0xFFFF {
            // German (Germany, Austria, Luxembourg), Dutch, Italian,
            // Spanish (Spain), Portuguese (Brazil), Danish, Indonesian.
            0x0407 | 0x0C07 | 0x1007 | 0x0413 | 0x0410 | 0x0C0A | 0x0416 | 0x0406 | 0x0421 => {
                Some(NumberStyle::CONTINENTAL)
            }
            // English (India), Hindi, Marathi, Tamil, Telugu, Kannada,
            // Bengali (India), Gujarati: lakh and crore (LibreOffice groups
            // `[$-4009]#,##0` as `12,34,567`, negatives and crores too).
            0x4009 | 0x0439 | 0x044E | 0x0449 | 0x044A | 0x044B | 0x0445 | 0x0447 => {
                Some(NumberStyle::INDIAN)
            }
            _ => None,
        }
    }

    /// `digits` (ASCII digits only) grouped with this style's separator.
    ///
    /// ```
    /// use simdesk_model::NumberStyle;
    /// assert_eq!(NumberStyle::INDIAN.group("1234567"), "12,34,567");
    /// assert_eq!(NumberStyle::CONTINENTAL.group("1234567"), "1.234.567");
    /// ```
    pub fn group(&self, digits: &str) -> String {
        let n = digits.len();
        let mut out = String::with_capacity(n + n / 2);
        for (i, c) in digits.chars().enumerate() {
            let left = n - i;
            let boundary = match self.grouping {
                Grouping::Western => left.is_multiple_of(3),
                Grouping::Indian => left == 3 || (left > 3 && (left - 3).is_multiple_of(2)),
            };
            if i > 0 && boundary {
                out.push(self.thousands);
            }
            out.push(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_by_style() {
        let cases = [
            (NumberStyle::WESTERN, "1", "1"),
            (NumberStyle::WESTERN, "1234", "1,234"),
            (NumberStyle::WESTERN, "123456789", "123,456,789"),
            (NumberStyle::INDIAN, "999", "999"),
            (NumberStyle::INDIAN, "1000", "1,000"),
            (NumberStyle::INDIAN, "100000", "1,00,000"),
            (NumberStyle::INDIAN, "1234567", "12,34,567"),
            (NumberStyle::INDIAN, "12345678", "1,23,45,678"),
            (NumberStyle::INDIAN, "1234567890", "1,23,45,67,890"),
            (NumberStyle::CONTINENTAL, "1234567", "1.234.567"),
        ];
        for (style, digits, want) in cases {
            assert_eq!(style.group(digits), want, "{style:?} {digits}");
        }
    }
}
