//! XLSX for auditors, who live in spreadsheets: one sheet, bold frozen header, a filter, and
//! columns wide enough to read.

use super::IsmsError;
use super::views::Sheet;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

/// The widest a column is set, in characters; longer cells wrap.
const MAX_WIDTH: usize = 60;

fn err(e: rust_xlsxwriter::XlsxError) -> IsmsError {
    IsmsError::Xlsx(e.to_string())
}

/// Writes one sheet to an XLSX file in memory.
pub(super) fn workbook(sheet: &Sheet) -> Result<Vec<u8>, IsmsError> {
    let mut book = Workbook::new();
    // A fixed creation date keeps the file a function of its contents.
    let created = ExcelDateTime::from_ymd(2000, 1, 1).map_err(err)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created).set_title(sheet.name));
    let ws = book.add_worksheet();
    ws.set_name(sheet.name).map_err(err)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for (c, h) in sheet.headers.iter().enumerate() {
        let col = u16::try_from(c).map_err(|e| IsmsError::Xlsx(e.to_string()))?;
        ws.write_string_with_format(0, col, *h, &bold).map_err(err)?;
        let width = sheet.rows.iter().map(|r| r.get(c).map_or(0, |s| s.chars().count())).max().unwrap_or(0);
        let width = width.max(h.chars().count()).clamp(8, MAX_WIDTH);
        ws.set_column_width(col, width as f64 + 2.0).map_err(err)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let line = u32::try_from(r + 1).map_err(|e| IsmsError::Xlsx(e.to_string()))?;
        for (c, cell) in row.iter().enumerate() {
            let col = u16::try_from(c).map_err(|e| IsmsError::Xlsx(e.to_string()))?;
            if cell.chars().count() > MAX_WIDTH {
                ws.write_string_with_format(line, col, cell, &wrap).map_err(err)?;
            } else {
                ws.write_string(line, col, cell).map_err(err)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    let last_col = u16::try_from(sheet.headers.len().saturating_sub(1)).map_err(|e| IsmsError::Xlsx(e.to_string()))?;
    let last_row = u32::try_from(sheet.rows.len()).map_err(|e| IsmsError::Xlsx(e.to_string()))?;
    ws.autofilter(0, 0, last_row, last_col).map_err(err)?;
    book.save_to_buffer().map_err(err)
}
