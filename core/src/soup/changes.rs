//! What changed in the SOUP since the last qualification (pure): the requalification
//! reasons of the plan.

use std::collections::BTreeSet;

use super::model::{FileState, SoupInventory, SoupProvider};

fn or_none(v: Option<String>) -> String {
    v.unwrap_or_else(|| "none".into())
}

fn joined(v: &[&str]) -> Option<String> {
    (!v.is_empty()).then(|| v.join(", "))
}

/// What changed from the inventory `qualified` (at the last qualification) to `now`, one
/// line per change, in a stable order: Terraform, then providers and modules by name, then
/// the lock file itself when no provider's pin explains its change. Empty when nothing did.
pub fn changes(qualified: &SoupInventory, now: &SoupInventory) -> Vec<String> {
    let mut out = Vec::new();
    if qualified.terraform_version != now.terraform_version {
        out.push(format!(
            "Terraform {} -> {}",
            qualified.terraform_version, now.terraform_version
        ));
    }
    let sources: BTreeSet<&str> = qualified
        .providers
        .iter()
        .chain(&now.providers)
        .map(|p| p.source.as_str())
        .collect();
    let find = |inv: &'_ SoupInventory, s: &str| -> Option<SoupProvider> {
        inv.providers.iter().find(|p| p.source == s).cloned()
    };
    let mut pins_changed = false;
    for source in sources {
        let before = find(qualified, source).unwrap_or_default();
        let after = find(now, source).unwrap_or_default();
        let locked = (before.locked_version != after.locked_version).then(|| {
            (
                or_none(before.locked_version.clone()),
                or_none(after.locked_version.clone()),
            )
        });
        let installed = (before.installed_versions() != after.installed_versions()).then(|| {
            (
                joined(&before.installed_versions()),
                joined(&after.installed_versions()),
            )
        });
        pins_changed |= locked.is_some()
            || before.hashes != after.hashes
            || before.constraints != after.constraints;
        match (&locked, &installed) {
            (Some((a, b)), Some((c, d)))
                if (a, b) == (&or_none(c.clone()), &or_none(d.clone())) =>
            {
                out.push(format!("provider {source} {a} -> {b}"))
            }
            _ => {
                if let Some((a, b)) = &locked {
                    out.push(format!("provider {source} locked {a} -> {b}"));
                }
                match &installed {
                    Some((None, Some(b))) => out.push(format!("provider {source} installed {b}")),
                    Some((a, b)) => out.push(format!(
                        "provider {source} installed {} -> {}",
                        or_none(a.clone()),
                        or_none(b.clone())
                    )),
                    None => {}
                }
            }
        }
        if locked.is_none() && before.hashes != after.hashes {
            out.push(format!("provider {source} lock-file hashes changed"));
        }
        if before.running_version != after.running_version {
            out.push(format!(
                "provider {source} running {} -> {}",
                or_none(before.running_version),
                or_none(after.running_version)
            ));
        }
    }
    let keys: BTreeSet<&str> = qualified
        .modules
        .iter()
        .chain(&now.modules)
        .map(|m| m.key.as_str())
        .collect();
    for key in keys {
        let before = qualified.modules.iter().find(|m| m.key == key);
        let after = now.modules.iter().find(|m| m.key == key);
        let describe = |m: &super::SoupModule| match &m.version {
            Some(v) => format!("{} {v}", m.source),
            None => m.source.clone(),
        };
        match (before, after) {
            (None, Some(a)) => out.push(format!("module {key} added: {}", describe(a))),
            (Some(b), None) => out.push(format!("module {key} removed: {}", describe(b))),
            (Some(b), Some(a)) if b.source != a.source => {
                out.push(format!("module {key} {} -> {}", describe(b), describe(a)))
            }
            (Some(b), Some(a)) if b.version != a.version => out.push(format!(
                "module {key} {} -> {}",
                or_none(b.version.clone()),
                or_none(a.version.clone())
            )),
            _ => {}
        }
    }
    let state = |f: &FileState| match f {
        FileState::Read { .. } => "present".to_string(),
        other => other.describe(),
    };
    if qualified.lock_file != now.lock_file && !pins_changed {
        match (&qualified.lock_file, &now.lock_file) {
            (FileState::Read { .. }, FileState::Read { .. }) => {
                out.push("lock file changed".into())
            }
            (a, b) => out.push(format!("lock file {} -> {}", state(a), state(b))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soup::SoupModule;

    fn inventory() -> SoupInventory {
        SoupInventory {
            terraform_version: "1.11.4".into(),
            working_directory: "/work/app".into(),
            lock_file: FileState::Read {
                sha256: "aa".into(),
            },
            providers: vec![
                SoupProvider {
                    source: "registry.terraform.io/gxp/gxp".into(),
                    locked_version: Some("0.1.0".into()),
                    hashes: vec!["h1:x".into()],
                    installed: vec!["0.1.0 linux_amd64".into()],
                    this_provider: true,
                    running_version: Some("0.1.0".into()),
                    ..Default::default()
                },
                SoupProvider {
                    source: "registry.terraform.io/hashicorp/aws".into(),
                    locked_version: Some("5.99.0".into()),
                    hashes: vec!["h1:a".into()],
                    installed: vec!["5.99.0 linux_amd64".into()],
                    ..Default::default()
                },
            ],
            modules_manifest: FileState::Read {
                sha256: "bb".into(),
            },
            modules: vec![SoupModule {
                key: "vpc".into(),
                source: "registry.terraform.io/x/vpc/aws".into(),
                version: Some("5.1.0".into()),
                dir: ".terraform/modules/vpc".into(),
            }],
            installed_error: None,
        }
    }

    #[test]
    fn the_same_inventory_has_no_change() {
        assert_eq!(changes(&inventory(), &inventory()), Vec::<String>::new());
    }

    #[test]
    fn each_change_is_named() {
        let before = inventory();
        let mut now = inventory();
        now.terraform_version = "1.15.5".into();
        now.providers[1].locked_version = Some("5.100.0".into());
        now.providers[1].installed = vec!["5.100.0 linux_amd64".into()];
        now.providers[1].hashes = vec!["h1:b".into()];
        now.lock_file = FileState::Read {
            sha256: "cc".into(),
        };
        now.modules[0].version = Some("5.2.0".into());
        assert_eq!(
            changes(&before, &now),
            [
                "Terraform 1.11.4 -> 1.15.5",
                "provider registry.terraform.io/hashicorp/aws 5.99.0 -> 5.100.0",
                "module vpc 5.1.0 -> 5.2.0",
            ]
        );
    }

    #[test]
    fn added_and_removed_providers_and_modules_and_hashes() {
        let before = inventory();
        let mut now = inventory();
        now.providers.push(SoupProvider {
            source: "registry.terraform.io/example/extra".into(),
            installed: vec!["1.0.0 linux_amd64".into()],
            ..Default::default()
        });
        now.providers[0].hashes = vec!["h1:y".into()];
        now.providers.remove(1);
        now.modules = vec![SoupModule {
            key: "m".into(),
            source: "./m".into(),
            version: None,
            dir: "m".into(),
        }];
        assert_eq!(
            changes(&before, &now),
            [
                "provider registry.terraform.io/example/extra installed 1.0.0",
                "provider registry.terraform.io/gxp/gxp lock-file hashes changed",
                "provider registry.terraform.io/hashicorp/aws 5.99.0 -> none",
                "module m added: ./m",
                "module vpc removed: registry.terraform.io/x/vpc/aws 5.1.0",
            ]
        );
        let mut later = now.clone();
        let extra = later
            .providers
            .iter_mut()
            .find(|p| p.source.ends_with("/extra"))
            .unwrap();
        extra.installed = vec!["1.1.0 linux_amd64".into()];
        assert_eq!(
            changes(&now, &later),
            ["provider registry.terraform.io/example/extra installed 1.0.0 -> 1.1.0"]
        );
    }

    #[test]
    fn lock_file_changes_without_a_pin_change_and_a_new_binary() {
        let before = inventory();
        let mut now = inventory();
        now.lock_file = FileState::Read {
            sha256: "dd".into(),
        };
        now.providers[0].running_version = Some("0.2.0".into());
        assert_eq!(
            changes(&before, &now),
            [
                "provider registry.terraform.io/gxp/gxp running 0.1.0 -> 0.2.0",
                "lock file changed",
            ]
        );
        now.lock_file = FileState::Absent;
        assert_eq!(changes(&before, &now)[1], "lock file present -> absent");
    }
}
