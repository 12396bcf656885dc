//! The node's JSON writer, as it serialises agent-data items (MONITOR.md §4): compact output,
//! strings escaped, integers bare, floats with at most two decimals **truncated** (not rounded),
//! whole floats with `.0`, huge floats with an exponent. The node stores its floats as `f32` and
//! widens them to `f64` before printing, so `5.14f32` prints as `5.13` — reproduced here.

use std::fmt::Write as _;

/// Maximum decimals the node prints (`SetMaxDecimalPlaces(2)`).
const MAX_DECIMALS: i32 = 2;

/// A value of one item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val<'a> {
    /// A string (quoted, escaped).
    Str(&'a str),
    /// An unsigned integer.
    U(u64),
    /// A signed integer.
    I(i64),
    /// A float as the node holds it (`f32`).
    F(f32),
}

/// Append `s` as a JSON string (escaping `"`, `\` and control characters).
pub(crate) use dbc_types::json_text::push_json_string as push_str;

/// Append a float the way the node does. NaN and infinities write **nothing** (the node's writer
/// refuses them after the key was written, which yields the invalid `"value":,` of §4).
pub(crate) fn push_f32(out: &mut String, v: f32) {
    push_f64(out, f64::from(v));
}

/// Append an `f64` with the node's rules (see [`push_f32`]).
pub(crate) fn push_f64(out: &mut String, v: f64) {
    if !v.is_finite() {
        return;
    }
    if v == 0.0 {
        if v.is_sign_negative() {
            out.push('-');
        }
        out.push_str("0.0");
        return;
    }
    if v < 0.0 {
        out.push('-');
    }
    // Shortest round-trip digits and exponent: v = 0.d1d2… × 10^kk.
    let sci = format!("{:e}", v.abs());
    let (mant, exp) = match sci.split_once('e') {
        Some(x) => x,
        None => return,
    };
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let e10: i32 = exp.parse().unwrap_or(0);
    let len = digits.len() as i32;
    let kk = e10 + 1; // 10^(kk-1) <= v < 10^kk
    let k = kk - len; // v = digits × 10^k
    if k >= 0 && kk <= 21 {
        // Whole number: digits, zeros, ".0".
        out.push_str(&digits);
        for _ in 0..k {
            out.push('0');
        }
        out.push_str(".0");
    } else if kk > 0 && kk <= 21 {
        // 1234e-2 -> 12.34, then truncation to two decimals without trailing zeros.
        let (int_part, frac) = digits
            .split_at_checked(kk as usize)
            .unwrap_or((&digits, ""));
        out.push_str(int_part);
        out.push('.');
        push_frac(out, frac);
    } else if kk > -6 && kk <= 0 {
        // 1234e-6 -> 0.001234, truncated.
        out.push_str("0.");
        let mut frac = String::with_capacity((-kk) as usize + digits.len());
        for _ in 0..(-kk) {
            frac.push('0');
        }
        frac.push_str(&digits);
        push_frac(out, &frac);
    } else if kk < -MAX_DECIMALS {
        out.push_str("0.0");
    } else {
        // Exponent form: 1e30, 1.234e33.
        let (first, rest) = digits.split_at_checked(1).unwrap_or(("0", ""));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(out, "e{}", kk - 1);
    }
}

/// At most two fraction digits, truncated, trailing zeros removed but at least one digit kept.
fn push_frac(out: &mut String, frac: &str) {
    let kept: &str = frac.get(..MAX_DECIMALS as usize).unwrap_or(frac);
    let trimmed = kept.trim_end_matches('0');
    if trimmed.is_empty() {
        out.push('0');
    } else {
        out.push_str(trimmed);
    }
}

/// Append one value.
pub(crate) fn push_val(out: &mut String, v: &Val<'_>) {
    match v {
        Val::Str(s) => push_str(out, s),
        Val::U(n) => {
            let _ = write!(out, "{n}");
        }
        Val::I(n) => {
            let _ = write!(out, "{n}");
        }
        Val::F(f) => push_f32(out, *f),
    }
}

/// Append one item `{"host":H,"key":K,"value":V,"clock":C,"ns":N}` (this order, §4).
pub(crate) fn push_item(out: &mut String, host: &str, key: &str, v: &Val<'_>, clock: (i64, u32)) {
    if !out.ends_with('[') {
        out.push(',');
    }
    out.push_str("{\"host\":");
    push_str(out, host);
    out.push_str(",\"key\":");
    push_str(out, key);
    out.push_str(",\"value\":");
    push_val(out, v);
    let _ = write!(out, ",\"clock\":{},\"ns\":{}}}", clock.0, clock.1);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: f32) -> String {
        let mut s = String::new();
        push_f32(&mut s, v);
        s
    }
    fn d(v: f64) -> String {
        let mut s = String::new();
        push_f64(&mut s, v);
        s
    }

    #[test]
    fn floats_are_truncated_to_two_decimals_like_the_node() {
        assert_eq!(d(0.126), "0.12");
        assert_eq!(d(1.102), "1.1");
        assert_eq!(d(1.0), "1.0");
        assert_eq!(d(1_048_576.0), "1048576.0");
        assert_eq!(d(10_000.0), "10000.0");
        assert_eq!(d(0.001), "0.0");
        assert_eq!(d(1e-9), "0.0");
        assert_eq!(d(-2.5), "-2.5");
        assert_eq!(d(0.0), "0.0");
        assert_eq!(d(1e20), "100000000000000000000.0");
        assert_eq!(d(1e21), "1e21");
        assert_eq!(d(1e22), "1e22");
        assert_eq!(d(1.5e30), "1.5e30");
    }

    #[test]
    fn f32_values_print_as_the_widened_double() {
        // 5.14f32 is 5.139999866… as a double: truncation gives 5.13.
        assert_eq!(f(5.14), "5.13");
        assert_eq!(f(41.13), "41.13");
        assert_eq!(f(69_905.07), "69905.07");
        assert_eq!(f(0.5), "0.5");
    }

    #[test]
    fn nan_writes_nothing_so_the_item_reads_value_comma() {
        let mut s = String::from("[");
        push_item(&mut s, "h", "memory.usage", &Val::F(f32::NAN), (1, 2));
        assert_eq!(
            s,
            "[{\"host\":\"h\",\"key\":\"memory.usage\",\"value\":,\"clock\":1,\"ns\":2}"
        );
    }

    /// Reference: Rust's shortest decimal text, cut to two fraction digits.
    fn reference(v: f64) -> String {
        let t = format!("{}", v.abs());
        let body = match t.split_once('.') {
            None => format!("{t}.0"),
            Some((i, f)) => {
                let f = f.get(..2).unwrap_or(f).trim_end_matches('0');
                format!("{i}.{}", if f.is_empty() { "0" } else { f })
            }
        };
        if v < 0.0 {
            format!("-{body}")
        } else {
            body
        }
    }

    proptest::proptest! {
        #[test]
        fn float_text_is_the_shortest_decimal_truncated(m in -1e3f64..1e3f64, e in -9i32..18) {
            let v = m * 10f64.powi(e);
            proptest::prop_assume!(v != 0.0 && v.abs() < 1e21);
            proptest::prop_assert_eq!(d(v), reference(v));
        }

        #[test]
        fn float_text_is_valid_json(bits in proptest::num::u64::ANY) {
            let v = f64::from_bits(bits);
            let t = d(v);
            if v.is_finite() {
                proptest::prop_assert!(serde_json::from_str::<f64>(&t).is_ok(), "{}", t);
            } else {
                proptest::prop_assert!(t.is_empty());
            }
        }
    }

    #[test]
    fn strings_are_escaped() {
        let mut s = String::new();
        push_str(&mut s, "a\"b\\c\n\u{1}");
        assert_eq!(s, "\"a\\\"b\\\\c\\n\\u0001\"");
    }
}
