//! Turning a file's bytes into text: size limit, binary detection, UTF-8 and UTF-16 decoding.

use crate::diag::{Code, Diagnostic};
use crate::span::Pos;

/// Why a file's bytes are not text annexa reads.
#[derive(Debug)]
pub(crate) enum NotText {
    /// NUL bytes: an image, an archive, a compiled file.
    Binary,
    /// Neither UTF-8 nor UTF-16 with a byte-order mark.
    Encoding(Diagnostic),
}

/// Decodes a file's bytes. UTF-8 (with or without a byte-order mark) and UTF-16 with a
/// byte-order mark are text; anything with NUL bytes in its first 8 KiB is binary. UTF-8
/// becomes the text in place, without a copy.
pub(crate) fn decode(mut bytes: Vec<u8>) -> Result<String, NotText> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
        return utf8(bytes);
    }
    let utf16 = |big_endian: bool, body: &[u8]| {
        let units = body.chunks(2).map(|c| match (c, big_endian) {
            ([a, b], true) => u16::from_be_bytes([*a, *b]),
            ([a, b], false) => u16::from_le_bytes([*a, *b]),
            _ => 0xFFFD,
        });
        char::decode_utf16(units).collect::<Result<String, _>>().map_err(|_| {
            NotText::Encoding(Diagnostic::error(
                Code::Encoding,
                Pos { line: 1, col: 1 },
                "invalid UTF-16 text".to_owned(),
            ))
        })
    };
    if let Some(body) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(false, body);
    }
    if let Some(body) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(true, body);
    }
    if memchr::memchr(0, bytes.get(..8192).unwrap_or(&bytes)).is_some() {
        return Err(NotText::Binary);
    }
    utf8(bytes)
}

fn utf8(bytes: Vec<u8>) -> Result<String, NotText> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let (bytes, e) = (e.as_bytes(), e.utf8_error());
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let col = good.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            let byte = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
            Err(NotText::Encoding(
                Diagnostic::error(
                    Code::Encoding,
                    Pos { line: line as u32, col: col as u32 },
                    format!("not valid UTF-8: byte `0x{byte:02X}` at offset {}", e.valid_up_to()),
                )
                .with_help("save the file as UTF-8 (annexa also reads UTF-16 with a byte-order mark)"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_with_and_without_bom_and_utf16() {
        assert_eq!(decode(b"a: 1\n".to_vec()).ok().as_deref(), Some("a: 1\n"));
        assert_eq!(decode(b"\xEF\xBB\xBFa: 1\n".to_vec()).ok().as_deref(), Some("a: 1\n"));
        let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain("a: é\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode(le).ok().as_deref(), Some("a: é\n"));
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain("k: v".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decode(be).ok().as_deref(), Some("k: v"));
    }

    #[test]
    fn binary_and_latin1_are_refused_with_a_position() {
        assert!(matches!(decode(b"\x7fELF\x00\x01".to_vec()), Err(NotText::Binary)));
        match decode(b"name: ok\nvalue: caf\xE9\n".to_vec()) {
            Err(NotText::Encoding(d)) => {
                assert_eq!((d.pos.line, d.pos.col), (2, 11));
                assert!(d.message.contains("0xE9"), "{}", d.message);
            }
            other => panic!("expected an encoding error, got {other:?}"),
        }
    }
}
