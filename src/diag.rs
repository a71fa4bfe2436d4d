//! Diagnostics: what went wrong or looked odd, and where. Shared by readers and
//! extractors so that every problem reaches the `diagnostics` table with its place.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; nothing is missing.
    Info,
    /// Something may be wrong with the records.
    Warning,
    /// Records are missing.
    Error,
}

impl Severity {
    /// Name as written to the `diagnostics` table.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in a document. Every part is optional: a text export knows lines, a DOCX
/// knows paragraphs and tables; both know table, row and cell numbers. All from 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loc {
    /// Line of a text export.
    pub line: Option<u32>,
    /// Block (paragraph or table) of the document body.
    pub block: Option<u32>,
    /// Table, counted in the document.
    pub table: Option<u32>,
    /// Row within the table.
    pub row: Option<u32>,
    /// Cell within the row.
    pub cell: Option<u32>,
}

impl Loc {
    /// A location on one line of a text file.
    pub fn line(line: u32) -> Loc {
        Loc {
            line: Some(line),
            ..Loc::default()
        }
    }

    /// True when nothing is known about the place.
    pub fn is_unknown(&self) -> bool {
        *self == Loc::default()
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = [
            ("line", self.line),
            ("block", self.block),
            ("table", self.table),
            ("row", self.row),
            ("cell", self.cell),
        ];
        let mut first = true;
        for (name, value) in parts {
            if let Some(v) = value {
                if !first {
                    f.write_str(", ")?;
                }
                write!(f, "{name} {v}")?;
                first = false;
            }
        }
        if first {
            f.write_str("whole document")?;
        }
        Ok(())
    }
}

/// One diagnostic.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// Machine-readable kind (`truncated_table`, `unmapped_cell`, ...).
    pub code: &'static str,
    /// What happened, for a person.
    pub message: String,
    /// Where.
    pub loc: Loc,
}

impl Diagnostic {
    /// A new diagnostic.
    pub fn new(
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
        loc: Loc,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            loc,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] {}",
            self.severity.as_str(),
            self.code,
            self.message
        )?;
        if !self.loc.is_unknown() {
            write!(f, " ({})", self.loc)?;
        }
        Ok(())
    }
}
