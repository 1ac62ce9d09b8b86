//! RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form of a record that is hashed.
//!
//! JCS is what anyone can reproduce with a stock library (Python's `json.dumps(v,
//! sort_keys=True, separators=(",", ":"), ensure_ascii=False)` agrees with it on records that hold
//! no floating-point numbers, and annexa's records hold none): object members sorted by their
//! names' UTF-16 code units, no whitespace, strings escaped the way ECMAScript's
//! `JSON.stringify` escapes them, numbers in ECMAScript's shortest round-trip form.

use serde_json::Value;

/// A value JCS cannot encode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    /// NaN and the infinities have no JSON form.
    #[error("`{0}` is not a finite number")]
    NotFinite(String),
}

/// The canonical bytes of `value`.
pub fn to_vec(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    let mut out = Vec::with_capacity(256);
    write(value, &mut out)?;
    Ok(out)
}

/// Appends the canonical bytes of `value` to `out`.
pub fn write(value: &Value, out: &mut Vec<u8>) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => number(n, out)?,
        Value::String(s) => string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            // serde_json's map orders by UTF-8 bytes; JCS orders by UTF-16 code units, which
            // differs once names hold characters beyond the Basic Multilingual Plane.
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            if members.iter().any(|(k, _)| !k.is_ascii()) {
                members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            }
            out.push(b'{');
            for (i, (name, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                string(name, out);
                out.push(b':');
                write(item, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn number(n: &serde_json::Number, out: &mut Vec<u8>) -> Result<(), CanonicalError> {
    if let Some(i) = n.as_i64() {
        // Integers beyond 2^53 are written as they are; ECMAScript would round them, but
        // annexa writes none (sequence numbers and counts stay far below).
        out.extend_from_slice(i.to_string().as_bytes());
    } else if let Some(u) = n.as_u64() {
        out.extend_from_slice(u.to_string().as_bytes());
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        if !f.is_finite() {
            return Err(CanonicalError::NotFinite(n.to_string()));
        }
        let mut buf = ryu_js::Buffer::new();
        out.extend_from_slice(buf.format_finite(f).as_bytes());
    }
    Ok(())
}

fn string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x09 => b"\\t",
            0x0a => b"\\n",
            0x0c => b"\\f",
            0x0d => b"\\r",
            0x00..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(json: &str) -> String {
        let value: Value = serde_json::from_str(json).unwrap();
        String::from_utf8(to_vec(&value).unwrap()).unwrap()
    }

    /// The example of RFC 8785 section 3.2.2 and its expected output, byte for byte. The
    /// numbers are built from Rust literals: serde_json's default text parser may round the
    /// first one differently by one unit in the last place, which is a parsing matter, not JCS's.
    #[test]
    fn rfc8785_example() {
        let mut value: Value = serde_json::from_str(
            r#"{
          "numbers": [],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }"#,
        )
        .unwrap();
        #[allow(clippy::excessive_precision, reason = "the RFC's input, digit for digit")]
        let first = 333333333.33333329_f64;
        value["numbers"] = serde_json::json!([first, 1e30_f64, 4.50_f64, 2e-3_f64, 1e-27_f64]);
        assert_eq!(
            String::from_utf8(to_vec(&value).unwrap()).unwrap(),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    /// RFC 8785 section 3.2.3: names sorted by UTF-16 code units, so the emoji (a surrogate
    /// pair, 0xD83D) sorts before U+FB33 although its UTF-8 form sorts after.
    #[test]
    fn rfc8785_sorting() {
        let input = r#"{"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
            "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}"#;
        let out = canon(input);
        let names: Vec<&str> = ["\\r", "1", "\u{80}", "ö", "€", "😀", "\u{fb33}"].to_vec();
        let mut at = 0;
        for name in names {
            let found = out[at..].find(&format!("\"{name}\"")).map(|p| p + at);
            assert!(found.is_some(), "`{name}` missing or out of order in {out}");
            at = found.unwrap_or(at);
        }
    }

    #[test]
    fn integers_and_escapes() {
        assert_eq!(canon(r#"{"b":[1,-2,0],"a":"x\u0001y"}"#), r#"{"a":"x\u0001y","b":[1,-2,0]}"#);
        assert_eq!(canon("18446744073709551615"), "18446744073709551615");
        assert_eq!(canon("-0.0"), "0");
    }
}
