//! Readers: a document format → one stream of [`Block`]s.
//!
//! A reader knows nothing of budgets. It yields paragraphs (visible text plus the Word
//! fields found in them, lifted out of the text) and tables (rows of cells, each cell
//! knowing whether it continues a vertically merged cell). Every block carries its
//! [`Loc`]. Formats are detected from the content, never from the file name alone.

pub mod decode;
pub mod docx;
pub mod fields;
pub mod text;

use crate::diag::{Diagnostic, Loc};
pub use fields::Field;

/// One block of a document body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph outside any table.
    Paragraph(Paragraph),
    /// A table.
    Table(Table),
}

/// A paragraph: its visible text and the fields it carried.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// Visible text, field codes removed, outer white space trimmed.
    pub text: String,
    /// Fields found in the paragraph (TC entries and others).
    pub fields: Vec<Field>,
    /// Where the paragraph is.
    pub loc: Loc,
}

/// A table: rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Rows, top to bottom.
    pub rows: Vec<Row>,
    /// Where the table starts (its `table` number is set).
    pub loc: Loc,
}

/// A table row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Cells, left to right.
    pub cells: Vec<Cell>,
    /// Where the row is.
    pub loc: Loc,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Visible text; the paragraphs of a multi-paragraph cell are joined with `\n`.
    pub text: String,
    /// True when the cell continues the cell above it (a vertical merge in Word; an empty
    /// first cell in a text export).
    pub continues_above: bool,
    /// Grid column the cell starts in, from 0 (a text export knows only the position).
    pub column: u32,
    /// Grid columns the cell spans (Word's `gridSpan`; 1 in a text export).
    pub span: u32,
    /// Where the cell is.
    pub loc: Loc,
}

/// The format of an input, detected from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A plain-text export.
    Text,
    /// An Office Open XML document (zip).
    Docx,
    /// A legacy binary Word 97–2003 or WPS document (OLE compound file).
    LegacyDoc,
}

impl Format {
    /// Name as written to `documents.source_format`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Docx => "docx",
            Format::LegacyDoc => "doc",
        }
    }

    /// Detects the format from the content.
    pub fn detect(bytes: &[u8]) -> Format {
        const ZIP: &[u8] = b"PK\x03\x04";
        const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        if bytes.starts_with(ZIP) {
            Format::Docx
        } else if bytes.starts_with(OLE) {
            Format::LegacyDoc
        } else {
            Format::Text
        }
    }
}

/// A document as read: its blocks and what the reader noticed.
#[derive(Debug, Clone, Default)]
pub struct ReadDocument {
    /// The body, in order.
    pub blocks: Vec<Block>,
    /// Character encoding of a text export.
    pub encoding: Option<&'static str>,
    /// Problems met while reading.
    pub diagnostics: Vec<Diagnostic>,
    /// True when the reader could not read the whole input (the blocks are a prefix).
    pub incomplete: bool,
    /// True when the input marks its own end and the reader reached it (a DOCX body that
    /// closes); a text export has no such mark, so whether it is whole can only be guessed.
    pub end_seen: bool,
}

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// A legacy binary Word or WPS file.
    #[error(
        "legacy binary Word 97-2003/WPS document: convert it to .docx first \
         (e.g. `soffice --headless --convert-to docx FILE`)"
    )]
    LegacyFormat,
    /// An encrypted (password-protected) document.
    #[error("encrypted (password-protected) document: remove the password in Word and save again")]
    Encrypted,
    /// Decompression would exceed the limits (a possible zip bomb).
    #[error("{0}")]
    TooLarge(String),
    /// The input is not a document this tool reads.
    #[error("{0}")]
    Unsupported(String),
}

/// An encrypted Office Open XML file is an OLE compound file holding an
/// `EncryptedPackage` stream (its directory names are UTF-16LE).
fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(name.len()).any(|w| w == name)
}

/// Reads one document from its bytes.
pub fn read_bytes(bytes: &[u8]) -> Result<(Format, ReadDocument), ReadError> {
    let format = Format::detect(bytes);
    let doc = match format {
        Format::Text => text::read(bytes),
        Format::Docx => docx::read(bytes)?,
        Format::LegacyDoc if is_encrypted_ooxml(bytes) => return Err(ReadError::Encrypted),
        Format::LegacyDoc => return Err(ReadError::LegacyFormat),
    };
    Ok((format, doc))
}
