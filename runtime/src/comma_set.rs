//! `CommaSet`: a set of enum values that the API takes as one comma-joined
//! string (`corpName,registerNo`). Schemas mark such fields `x-qys-comma-set`.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A set of `T`, sent as its values joined with commas in `T`'s order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommaSet<T: Ord>(BTreeSet<T>);

impl<T: Ord> CommaSet<T> {
    /// The empty set.
    pub fn new() -> Self {
        CommaSet(BTreeSet::new())
    }

    /// Adds a value; returns whether it was new.
    pub fn insert(&mut self, value: T) -> bool {
        self.0.insert(value)
    }

    /// Whether the set holds `value`.
    pub fn contains(&self, value: &T) -> bool {
        self.0.contains(value)
    }

    /// The values, in `T`'s order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.0.iter()
    }

    /// How many values the set holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T: Ord> Default for CommaSet<T> {
    fn default() -> Self {
        CommaSet::new()
    }
}

impl<T: Ord> FromIterator<T> for CommaSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        CommaSet(values.into_iter().collect())
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for CommaSet<T> {
    fn from(values: [T; N]) -> Self {
        values.into_iter().collect()
    }
}

impl<T: Ord> IntoIterator for CommaSet<T> {
    type Item = T;
    type IntoIter = std::collections::btree_set::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T: Ord + fmt::Display> fmt::Display for CommaSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, value) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            write!(f, "{value}")?;
        }
        Ok(())
    }
}

/// A comma-joined string held a value that is not one of the set's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a known value of this comma-separated set")]
pub struct UnknownValue {
    /// The value, as received.
    pub value: String,
}

impl<T: Ord + FromStr> FromStr for CommaSet<T> {
    type Err = UnknownValue;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| part.parse().map_err(|_| UnknownValue { value: part.to_owned() }))
            .collect()
    }
}

impl<T: Ord + fmt::Display> Serialize for CommaSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, T: Ord + FromStr> Deserialize<'de> for CommaSet<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
