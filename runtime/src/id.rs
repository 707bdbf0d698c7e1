//! The API's 64-bit ids (contract, document, seal…): 19 digits, which a JSON
//! number read as `f64` would round. Read from a JSON string or number,
//! exactly; sent as a string, as the API's own examples send them.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An id of the API, kept exact.
///
/// ```
/// use qiyuesuo_runtime::Id;
///
/// let id: Id = serde_json::from_str("2589012345678901234").unwrap();
/// assert_eq!(id, serde_json::from_str::<Id>("\"2589012345678901234\"").unwrap());
/// assert_eq!(serde_json::to_string(&id).unwrap(), "\"2589012345678901234\"");
/// assert!(serde_json::from_str::<Id>("2.5e18").is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(i64);

impl Id {
    /// The id with this number.
    pub const fn new(value: i64) -> Self {
        Id(value)
    }

    /// Its number.
    pub const fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0)
    }
}

/// An id as JSON: its digits as text, as the client sends it (a mock rule's
/// condition, `json!` input).
impl From<Id> for serde_json::Value {
    fn from(id: Id) -> Self {
        serde_json::Value::String(id.to_string())
    }
}

impl From<i64> for Id {
    fn from(value: i64) -> Self {
        Id(value)
    }
}

impl From<Id> for i64 {
    fn from(id: Id) -> Self {
        id.0
    }
}

/// Text that is not an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an id (1 to 19 digits, at most {max})", max = i64::MAX)]
pub struct InvalidId(pub String);

impl FromStr for Id {
    type Err = InvalidId;

    /// Only ASCII digits: no sign, spaces or exponent.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits = !text.is_empty() && text.len() <= 19 && text.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| text.parse::<i64>().ok()).flatten().map(Id).ok_or_else(|| InvalidId(text.to_owned()))
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IdVisitor)
    }
}

struct IdVisitor;

impl Visitor<'_> for IdVisitor {
    type Value = Id;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id: a whole number or a string of digits")
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Id, E> {
        i64::try_from(value).map(Id).map_err(|_| E::custom(format!("{value} is too large for an id")))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Id, E> {
        if value < 0 { Err(E::custom(format!("{value} is negative; ids are not"))) } else { Ok(Id(value)) }
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Id, E> {
        Err(E::custom(format!("{value} is not exact; an id must be a whole number or a string of digits")))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Id, E> {
        value.parse().map_err(E::custom)
    }
}
