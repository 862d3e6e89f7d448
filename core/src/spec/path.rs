//! Where in a specification a value sits: `expected_resource[0].check_parameters["KEY"]`.
//! Front ends map it onto their own notion (the Terraform provider onto attribute paths).

use std::fmt;

/// One step of a [`Path`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// An attribute or block name.
    Attribute(String),
    /// An element of a list of blocks or values.
    Index(i64),
    /// An entry of a map.
    Key(String),
}

/// A path from the root of a specification to a value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Path(pub Vec<Step>);

impl Path {
    /// The specification itself.
    pub fn root() -> Path {
        Path(Vec::new())
    }

    /// The top-level attribute or block `name`.
    pub fn new(name: impl Into<String>) -> Path {
        Path::root().attribute(name)
    }

    /// This path, then attribute `name`.
    pub fn attribute(mut self, name: impl Into<String>) -> Path {
        self.0.push(Step::Attribute(name.into()));
        self
    }

    /// This path, then element `index`.
    pub fn index(mut self, index: i64) -> Path {
        self.0.push(Step::Index(index));
        self
    }

    /// This path, then map entry `key`.
    pub fn key(mut self, key: impl Into<String>) -> Path {
        self.0.push(Step::Key(key.into()));
        self
    }

    /// Append attribute `name`.
    pub fn add_attribute(&mut self, name: impl Into<String>) -> &mut Path {
        self.0.push(Step::Attribute(name.into()));
        self
    }

    /// Append element `index`.
    pub fn add_index(&mut self, index: i64) -> &mut Path {
        self.0.push(Step::Index(index));
        self
    }

    /// The steps, from the root.
    pub fn steps(&self) -> &[Step] {
        &self.0
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Attribute(a) if i == 0 => write!(f, "{a}")?,
                Step::Attribute(a) => write!(f, ".{a}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
                Step::Key(k) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_written_in_configuration() {
        let p = Path::new("expected_resource")
            .index(0)
            .attribute("check_parameters")
            .key("s3.object_lock.mode");
        assert_eq!(
            p.to_string(),
            r#"expected_resource[0].check_parameters["s3.object_lock.mode"]"#
        );
        let mut q = Path::root();
        q.add_attribute("expected_resource").add_index(0);
        q.add_attribute("check_parameters");
        assert_eq!(q.key("s3.object_lock.mode"), p);
    }
}
