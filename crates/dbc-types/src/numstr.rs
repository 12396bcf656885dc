//! Serde helpers for numbers that travel as JSON strings.
//!
//! The DBC node reads most numbers with `atoi` from JSON *strings* (`"cpu_cores": "4"`); a JSON
//! number is silently treated as missing. These helpers write Rust integers as strings and accept
//! both strings and numbers when reading (replies carry both forms, see spec §2).

use serde::de::{self, Deserializer, Visitor};
use serde::Serializer;
use std::fmt::{self, Display};
use std::marker::PhantomData;
use std::str::FromStr;

/// Serialize as a decimal string; deserialize from a decimal string or a JSON integer.
pub mod num_str {
    use super::*;

    /// Writes `value` as a JSON string.
    ///
    /// # Errors
    /// The serializer's error.
    pub fn serialize<T: Display, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    /// Reads a JSON string or integer.
    ///
    /// # Errors
    /// The deserializer's error for anything but a number or a string holding one.
    pub fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
    where
        T: FromStr + TryFrom<u64> + TryFrom<i64>,
        <T as FromStr>::Err: Display,
        D: Deserializer<'de>,
    {
        d.deserialize_any(NumVisitor::<T>(PhantomData))
    }
}

/// Like [`num_str`] for `Option<T>`: `None` is skipped by the caller (`skip_serializing_if`).
pub mod opt_num_str {
    use super::*;

    /// Writes `Some(v)` as a JSON string, `None` as `null`.
    ///
    /// # Errors
    /// The serializer's error.
    pub fn serialize<T: Display, S: Serializer>(
        value: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    /// Reads a JSON string, integer or `null`.
    ///
    /// # Errors
    /// The deserializer's error for anything but a number, a string holding one, or `null`.
    pub fn deserialize<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
    where
        T: FromStr + TryFrom<u64> + TryFrom<i64>,
        <T as FromStr>::Err: Display,
        D: Deserializer<'de>,
    {
        struct OptVisitor<T>(PhantomData<T>);
        impl<'de, T> Visitor<'de> for OptVisitor<T>
        where
            T: FromStr + TryFrom<u64> + TryFrom<i64>,
            <T as FromStr>::Err: Display,
        {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, a decimal string or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
                d.deserialize_any(NumVisitor::<T>(PhantomData)).map(Some)
            }
        }
        d.deserialize_option(OptVisitor::<T>(PhantomData))
    }
}

struct NumVisitor<T>(PhantomData<T>);

impl<'de, T> Visitor<'de> for NumVisitor<T>
where
    T: FromStr + TryFrom<u64> + TryFrom<i64>,
    <T as FromStr>::Err: Display,
{
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or a decimal string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.trim()
            .parse::<T>()
            .map_err(|e| E::custom(format!("`{v}` is not a valid number: {e}")))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::custom(format!("{v} is out of range")))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::custom(format!("{v} is out of range")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Err(E::custom(format!("{v} is not an integer")))
    }
}

/// Schema stand-in for an integer carried as a decimal JSON string (`"cpu_cores": "4"`).
///
/// Used with `#[schemars(with = "NumStr")]` so generated schemas (and `docs/api/`) say
/// `string` and mark the member as a *numeric string* (`format: "numeric-string"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NumStr;

/// The `format` value that marks numeric strings in generated schemas.
pub const NUMERIC_STRING_FORMAT: &str = "numeric-string";

impl schemars::JsonSchema for NumStr {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NumStr".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": NUMERIC_STRING_FORMAT,
            "pattern": "^[0-9]+$",
            "description": "A non-negative integer written as a decimal JSON string."
        })
    }
}
