//! Checks a request against its schema's limits before anything is sent.
//! The generated `Validate` impls call the helpers here, so each problem is
//! worded the same way and names the field by its path on the wire.

use std::fmt;

/// A request type that can check itself.
pub trait Validate {
    /// Appends one line per problem, naming fields below `path`.
    fn validate_into(&self, path: &FieldPath<'_>, problems: &mut Vec<String>);

    /// Every problem, or `Ok` when there are none.
    fn validate(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        self.validate_into(&FieldPath::TOP, &mut problems);
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

impl Validate for () {
    fn validate_into(&self, _path: &FieldPath<'_>, _problems: &mut Vec<String>) {}
}

/// Where a field is on the wire, from the top of the request: a chain of
/// names and indexes on the stack, written out (`applicant.contact`,
/// `signatories[1].actions[0]`) only when a problem names it, so a valid
/// request costs no allocation to check.
#[derive(Debug, Clone, Copy)]
pub struct FieldPath<'a> {
    parent: Option<&'a FieldPath<'a>>,
    step: Step<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Top,
    Field(&'a str),
    Index(usize),
}

impl FieldPath<'_> {
    /// The request itself.
    pub const TOP: FieldPath<'static> = FieldPath { parent: None, step: Step::Top };

    /// Its field `name`.
    pub fn field<'s>(&'s self, name: &'s str) -> FieldPath<'s> {
        FieldPath { parent: Some(self), step: Step::Field(name) }
    }

    /// Its item at `index`.
    pub fn index(&self, index: usize) -> FieldPath<'_> {
        FieldPath { parent: Some(self), step: Step::Index(index) }
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(parent) = self.parent else { return Ok(()) };
        parent.fmt(f)?;
        match self.step {
            Step::Top => Ok(()),
            // A field of the request itself has no dot before it.
            Step::Field(name) if matches!(parent.step, Step::Top) => f.write_str(name),
            Step::Field(name) => write!(f, ".{name}"),
            Step::Index(index) => write!(f, "[{index}]"),
        }
    }
}

/// At least `min` characters.
pub fn min_length(problems: &mut Vec<String>, field: &FieldPath<'_>, value: &str, min: u64) {
    let length = value.chars().count() as u64;
    if length < min {
        let what = if length == 0 { "is empty".to_owned() } else { format!("has {length} characters") };
        problems.push(format!("`{field}` {what}; it needs at least {min}"));
    }
}

/// At most `max` characters.
pub fn max_length(problems: &mut Vec<String>, field: &FieldPath<'_>, value: &str, max: u64) {
    let length = value.chars().count() as u64;
    if length > max {
        problems.push(format!("`{field}` has {length} characters; it takes at most {max}"));
    }
}

/// At least `min`.
pub fn minimum(problems: &mut Vec<String>, field: &FieldPath<'_>, value: impl Number, min: f64) {
    let value = value.as_f64();
    if value < min {
        problems.push(format!("`{field}` is {value}; it must be at least {min}"));
    }
}

/// At most `max`.
pub fn maximum(problems: &mut Vec<String>, field: &FieldPath<'_>, value: impl Number, max: f64) {
    let value = value.as_f64();
    if value > max {
        problems.push(format!("`{field}` is {value}; it must be at most {max}"));
    }
}

/// At least `min` items.
pub fn min_items(problems: &mut Vec<String>, field: &FieldPath<'_>, count: usize, min: u64) {
    if (count as u64) < min {
        problems.push(format!("`{field}` has {count} items; it needs at least {min}"));
    }
}

/// At most `max` items.
pub fn max_items(problems: &mut Vec<String>, field: &FieldPath<'_>, count: usize, max: u64) {
    if (count as u64) > max {
        problems.push(format!("`{field}` has {count} items; it takes at most {max}"));
    }
}

/// A number a `minimum` or `maximum` bounds: the integer and float types
/// the generated fields have, compared as `f64` (the schema's bounds are).
pub trait Number: Copy {
    /// The value as `f64`.
    fn as_f64(self) -> f64;
}

macro_rules! number {
    ($($ty:ty),*) => {$(
        impl Number for $ty {
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn as_f64(self) -> f64 {
                self as f64
            }
        }
    )*};
}

number!(i32, i64, u32, u64, f32, f64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_written_as_the_wire_names_it() {
        let top = FieldPath::TOP;
        assert_eq!(top.to_string(), "");
        let signatories = top.field("signatories");
        let second = signatories.index(1);
        let actions = second.field("actions");
        assert_eq!(actions.index(0).field("name").to_string(), "signatories[1].actions[0].name");
        assert_eq!(top.field("applicant").field("contact").to_string(), "applicant.contact");
        let mut problems = Vec::new();
        min_length(&mut problems, &top.field("applicant").field("contact"), "", 1);
        max_items(&mut problems, &signatories, 3, 2);
        assert_eq!(
            problems,
            ["`applicant.contact` is empty; it needs at least 1", "`signatories` has 3 items; it takes at most 2"]
        );
    }
}
