//! Checks a request against its schema's limits before anything is sent.
//! The generated `Validate` impls call the helpers here, so each problem is
//! worded the same way and names the field by its path on the wire.

/// A request type that can check itself.
pub trait Validate {
    /// Appends one line per problem, naming fields below `path`.
    fn validate_into(&self, path: &str, problems: &mut Vec<String>);

    /// Every problem, or `Ok` when there are none.
    fn validate(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        self.validate_into("", &mut problems);
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

impl Validate for () {
    fn validate_into(&self, _path: &str, _problems: &mut Vec<String>) {}
}

/// `path.name`, or `name` at the top.
pub fn join(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") }
}

/// `path[index]`.
pub fn index(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// At least `min` characters.
pub fn min_length(problems: &mut Vec<String>, field: &str, value: &str, min: u64) {
    let length = value.chars().count() as u64;
    if length < min {
        let what = if length == 0 { "is empty".to_owned() } else { format!("has {length} characters") };
        problems.push(format!("`{field}` {what}; it needs at least {min}"));
    }
}

/// At most `max` characters.
pub fn max_length(problems: &mut Vec<String>, field: &str, value: &str, max: u64) {
    let length = value.chars().count() as u64;
    if length > max {
        problems.push(format!("`{field}` has {length} characters; it takes at most {max}"));
    }
}

/// At least `min`.
pub fn minimum(problems: &mut Vec<String>, field: &str, value: impl Number, min: f64) {
    let value = value.as_f64();
    if value < min {
        problems.push(format!("`{field}` is {value}; it must be at least {min}"));
    }
}

/// At most `max`.
pub fn maximum(problems: &mut Vec<String>, field: &str, value: impl Number, max: f64) {
    let value = value.as_f64();
    if value > max {
        problems.push(format!("`{field}` is {value}; it must be at most {max}"));
    }
}

/// At least `min` items.
pub fn min_items(problems: &mut Vec<String>, field: &str, count: usize, min: u64) {
    if (count as u64) < min {
        problems.push(format!("`{field}` has {count} items; it needs at least {min}"));
    }
}

/// At most `max` items.
pub fn max_items(problems: &mut Vec<String>, field: &str, count: usize, max: u64) {
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
