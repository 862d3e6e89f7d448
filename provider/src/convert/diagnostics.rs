//! Problems found in a configuration, with the attribute path Terraform shows them at.

use tf_provider::{AttributePath, Diagnostics};

use gxp_core::spec::path::{Path, Step};

/// One configuration problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: AttributePath,
    pub summary: String,
    pub detail: String,
}

/// The attribute path of a path in the engine's planned specification.
pub fn attribute_path(path: &Path) -> AttributePath {
    let mut out = AttributePath::root();
    for step in path.steps() {
        out = match step {
            Step::Attribute(a) => out.attribute(a.clone()),
            Step::Index(i) => out.index(*i),
            Step::Key(k) => out.key(k.clone()),
        };
    }
    out
}

impl From<gxp_core::spec::validate::Problem> for Problem {
    fn from(p: gxp_core::spec::validate::Problem) -> Self {
        Problem {
            path: attribute_path(&p.path),
            summary: p.summary,
            detail: p.detail,
        }
    }
}

/// One error diagnostic per problem, at its attribute.
pub fn report(diags: &mut Diagnostics, problems: impl IntoIterator<Item = impl Into<Problem>>) {
    for p in problems {
        let p = p.into();
        diags.error(p.summary, p.detail, p.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_paths_become_attribute_paths() {
        let p = Path::new("expected_resource")
            .index(2)
            .attribute("check_parameters")
            .key("s3.object_lock.mode");
        assert_eq!(
            attribute_path(&p),
            AttributePath::new("expected_resource")
                .index(2)
                .attribute("check_parameters")
                .key("s3.object_lock.mode".to_string())
        );
        assert_eq!(attribute_path(&Path::root()), AttributePath::root());
    }
}
