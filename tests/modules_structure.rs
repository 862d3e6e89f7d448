//! Structural checks of the Terraform modules in `modules/` (and `examples/`), read with
//! `hcl-rs` so they run without Terraform or the hashicorp/aws provider.
//!
//! * every `.tf` and `.tftest.hcl` file parses;
//! * every variable has a description and a type;
//! * version constraints: `required_version >= 1.5`; parents require hashicorp/aws `~> 5.0` and
//!   gxp/gxp; qualification submodules require gxp/gxp only and declare no AWS resource;
//! * **coverage**: every security-relevant resource of a parent module is covered by an expected
//!   resource of its qualification submodule (the rule is documented on [`coverage_problems`]);
//! * **ACLs**: every bucket a module creates has ownership controls BucketOwnerEnforced and its
//!   expected resources list `s3.acl_disabled` ([`acl_problems`]);
//! * the landing zone composes the four modules' specification fragments;
//! * README inputs/outputs tables match the variables (name, required) and outputs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use hcl::expr::{Conditional, ForExpr, Operation, TemplateExpr, TraversalOperator};
use hcl::template::{Directive, Element, Template};
use hcl::{Block, Body, Expression, ObjectKey};

/// Terraform resource types that must be covered directly, with their CloudFormation type.
const SECURITY_TYPES: &[(&str, &str)] = &[
    ("aws_s3_bucket", "AWS::S3::Bucket"),
    ("aws_kms_key", "AWS::KMS::Key"),
    ("aws_cloudtrail", "AWS::CloudTrail::Trail"),
    (
        "aws_config_configuration_recorder",
        "AWS::Config::ConfigurationRecorder",
    ),
    (
        "aws_config_delivery_channel",
        "AWS::Config::DeliveryChannel",
    ),
    ("aws_vpc", "AWS::EC2::VPC"),
    ("aws_security_group", "AWS::EC2::SecurityGroup"),
    ("aws_vpc_endpoint", "AWS::EC2::VPCEndpoint"),
    ("aws_cloudwatch_log_group", "AWS::Logs::LogGroup"),
    ("aws_db_instance", "AWS::RDS::DBInstance"),
];

/// Resource types covered through the VPC they attach to (`vpc_id = aws_vpc.X...`): that VPC
/// must be covered by an expected resource that lists the given check.
const ATTACHED_TO_VPC: &[(&str, &str)] = &[
    ("aws_flow_log", "ec2.vpc_flow_logs"),
    ("aws_default_security_group", "ec2.default_sg_closed"),
];

/// Account-level Terraform resource types (settings of the account and region, not resources
/// with an identifier) and the account check that must qualify each: a parent creating one
/// must list the check in its qualification's `expected_account` block.
const ACCOUNT_RESOURCES: &[(&str, &str)] = &[
    ("aws_iam_account_password_policy", "iam.password_policy"),
    (
        "aws_s3_account_public_access_block",
        "s3.account_public_access_block",
    ),
    (
        "aws_ebs_encryption_by_default",
        "ec2.ebs_default_encryption",
    ),
    ("aws_ebs_default_kms_key", "ec2.ebs_default_encryption"),
    ("aws_guardduty_detector", "guardduty.enabled"),
    ("aws_securityhub_account", "securityhub.enabled"),
    (
        "aws_securityhub_standards_subscription",
        "securityhub.enabled",
    ),
];

/// The type of the account target (`expected_account`).
const ACCOUNT_TYPE: &str = "AWS::::Account";

const QUALIFICATION_SOURCE: &str = "./qualification";

// ------------------------------------------------------------------ loading

/// One Terraform module: the top-level blocks of all its `.tf` files.
struct Module {
    dir: PathBuf,
    blocks: Vec<Block>,
}

impl Module {
    fn parse(dir: &Path, sources: &[(&str, &str)]) -> Result<Module, String> {
        let mut blocks = Vec::new();
        for (name, text) in sources {
            let body = hcl::parse(text).map_err(|e| format!("{}/{name}: {e}", dir.display()))?;
            blocks.extend(body.into_blocks());
        }
        Ok(Module {
            dir: dir.to_path_buf(),
            blocks,
        })
    }

    fn load(dir: &Path) -> Result<Module, String> {
        let files = tf_files(dir);
        let texts: Vec<(String, String)> = files
            .iter()
            .map(|p| {
                let text =
                    std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
                Ok((p.file_name().unwrap().to_string_lossy().into_owned(), text))
            })
            .collect::<Result<_, String>>()?;
        let refs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        Module::parse(dir, &refs)
    }

    fn name(&self) -> String {
        self.dir.display().to_string()
    }

    /// Blocks `kind "LABEL0" ...`.
    fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.identifier() == kind)
    }

    /// `resource` blocks as (type, name, block).
    fn resources(&self) -> Vec<(&str, &str, &Block)> {
        self.blocks("resource")
            .filter_map(|b| Some((label(b, 0)?, label(b, 1)?, b)))
            .collect()
    }

    /// `variable` blocks by name.
    fn variables(&self) -> BTreeMap<&str, &Block> {
        self.blocks("variable")
            .filter_map(|b| Some((label(b, 0)?, b)))
            .collect()
    }

    /// `output` names.
    fn outputs(&self) -> BTreeMap<&str, &Block> {
        self.blocks("output")
            .filter_map(|b| Some((label(b, 0)?, b)))
            .collect()
    }

    /// All `locals` attributes by name.
    fn locals(&self) -> BTreeMap<&str, &Expression> {
        self.blocks("locals")
            .flat_map(|b| b.body().attributes())
            .map(|a| (a.key(), a.expr()))
            .collect()
    }

    /// `module` blocks as (name, source, block).
    fn module_calls(&self) -> Vec<(&str, String, &Block)> {
        self.blocks("module")
            .filter_map(|b| {
                let source = literal(attr(b.body(), "source")?)?;
                Some((label(b, 0)?, source, b))
            })
            .collect()
    }

    /// The call of the qualification submodule.
    fn qualification_call(&self) -> Option<&Block> {
        self.module_calls()
            .into_iter()
            .find(|(_, source, _)| source == QUALIFICATION_SOURCE)
            .map(|(_, _, b)| b)
    }
}

/// The repository root (the parent of the provider crate).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("provider crate has a parent")
        .to_path_buf()
}

/// `.tf` files of a directory, sorted.
fn tf_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "tf"))
        .collect();
    files.sort();
    files
}

/// Every directory under `root` that holds `.tf` files (skipping `.terraform`).
fn module_dirs(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if !tf_files(&dir).is_empty() {
            out.push(dir.clone());
        }
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('.') {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every file under `root` whose name ends in one of `suffixes`.
fn files_with_suffix(root: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() && !name.starts_with('.') {
                stack.push(p);
            } else if suffixes.iter().any(|s| name.ends_with(s)) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Parent modules: `modules/<m>` (the directories that hold a `qualification/` submodule, and
/// the landing zone).
fn parent_modules() -> Vec<PathBuf> {
    let root = repo_root().join("modules");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("modules/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !tf_files(p).is_empty())
        .collect();
    dirs.sort();
    dirs
}

// ------------------------------------------------------------------ HCL helpers

fn label(b: &Block, i: usize) -> Option<&str> {
    b.labels().get(i).map(|l| l.as_str())
}

fn attr<'a>(body: &'a Body, key: &str) -> Option<&'a Expression> {
    body.attributes().find(|a| a.key() == key).map(|a| a.expr())
}

/// A string literal (a quoted string without interpolation).
fn literal(expr: &Expression) -> Option<String> {
    match expr {
        Expression::String(s) => Some(s.clone()),
        Expression::TemplateExpr(t) => {
            let template = Template::from_expr(t).ok()?;
            match template.elements() {
                [] => Some(String::new()),
                [Element::Literal(s)] => Some(s.clone()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The string literals of an array expression.
fn string_list(expr: &Expression) -> Vec<String> {
    match expr {
        Expression::Array(items) => items.iter().filter_map(literal).collect(),
        _ => Vec::new(),
    }
}

fn object_key(k: &ObjectKey) -> Option<String> {
    match k {
        ObjectKey::Identifier(id) => Some(id.to_string()),
        ObjectKey::Expression(e) => literal(e),
        _ => None,
    }
}

/// Sub-expressions of a template (interpolations and directive expressions).
fn template_children(t: &TemplateExpr) -> Vec<Expression> {
    fn walk(template: &Template, out: &mut Vec<Expression>) {
        for el in template.elements() {
            match el {
                Element::Literal(_) => {}
                Element::Interpolation(i) => out.push(i.expr.clone()),
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(i) => {
                        out.push(i.cond_expr.clone());
                        walk(&i.true_template, out);
                        if let Some(f) = &i.false_template {
                            walk(f, out);
                        }
                    }
                    Directive::For(f) => {
                        out.push(f.collection_expr.clone());
                        walk(&f.template, out);
                    }
                },
            }
        }
    }
    let mut out = Vec::new();
    if let Ok(template) = Template::from_expr(t) {
        walk(&template, &mut out);
    }
    out
}

/// Direct sub-expressions (for-expressions are handled by the callers that track scope).
fn children(expr: &Expression) -> Vec<Expression> {
    match expr {
        Expression::Array(items) => items.clone(),
        Expression::Object(obj) => obj
            .iter()
            .flat_map(|(k, v)| {
                let mut out = vec![v.clone()];
                if let ObjectKey::Expression(e) = k {
                    out.push(e.clone());
                }
                out
            })
            .collect(),
        Expression::TemplateExpr(t) => template_children(t),
        Expression::Traversal(t) => {
            let mut out = vec![t.expr.clone()];
            for op in &t.operators {
                if let TraversalOperator::Index(e) = op {
                    out.push(e.clone());
                }
            }
            out
        }
        Expression::FuncCall(f) => f.args.clone(),
        Expression::Parenthesis(e) => vec![e.as_ref().clone()],
        Expression::Conditional(c) => {
            let Conditional {
                cond_expr,
                true_expr,
                false_expr,
            } = c.as_ref();
            vec![cond_expr.clone(), true_expr.clone(), false_expr.clone()]
        }
        Expression::Operation(op) => match op.as_ref() {
            Operation::Unary(u) => vec![u.expr.clone()],
            Operation::Binary(b) => vec![b.lhs_expr.clone(), b.rhs_expr.clone()],
        },
        Expression::ForExpr(f) => {
            let ForExpr {
                collection_expr,
                key_expr,
                value_expr,
                cond_expr,
                ..
            } = f.as_ref();
            let mut out = vec![collection_expr.clone(), value_expr.clone()];
            out.extend(key_expr.clone());
            out.extend(cond_expr.clone());
            out
        }
        _ => Vec::new(),
    }
}

/// Every reference path in `expr`: a root variable followed by its leading attribute names,
/// e.g. `aws_s3_bucket.evidence.arn` -> `["aws_s3_bucket", "evidence", "arn"]`.
fn references(expr: &Expression) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    let mut stack = vec![expr.clone()];
    while let Some(e) = stack.pop() {
        match &e {
            Expression::Variable(v) => {
                out.insert(vec![v.to_string()]);
            }
            Expression::Traversal(t) => {
                if let Expression::Variable(v) = &t.expr {
                    let mut path = vec![v.to_string()];
                    for op in &t.operators {
                        match op {
                            TraversalOperator::GetAttr(a) => path.push(a.to_string()),
                            _ => break,
                        }
                    }
                    out.insert(path);
                }
            }
            _ => {}
        }
        stack.extend(children(&e));
    }
    out
}

/// Whether `expr` references the address `prefix` (e.g. `["aws_vpc", "this"]`).
fn refers_to(expr: &Expression, prefix: &[&str]) -> bool {
    references(expr)
        .iter()
        .any(|p| p.len() >= prefix.len() && p.iter().zip(prefix).all(|(a, b)| a == b))
}

/// Input variables (`var.NAME`) an expression depends on, following for-expression variables
/// back to the collection they iterate (`[for x in var.list : x]` depends on `list`).
fn var_refs(expr: &Expression, scope: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    match expr {
        Expression::Variable(v) => {
            if let Some(vars) = scope.get(v.as_str()) {
                out.extend(vars.iter().cloned());
            }
        }
        Expression::Traversal(t) => {
            if let Expression::Variable(root) = &t.expr {
                if root.as_str() == "var" {
                    if let Some(TraversalOperator::GetAttr(name)) = t.operators.first() {
                        out.insert(name.to_string());
                    }
                } else if let Some(vars) = scope.get(root.as_str()) {
                    out.extend(vars.iter().cloned());
                }
            }
            for op in &t.operators {
                if let TraversalOperator::Index(e) = op {
                    out.extend(var_refs(e, scope));
                }
            }
        }
        Expression::ForExpr(f) => {
            let inner = for_scope(f, scope);
            out.extend(var_refs(&f.collection_expr, scope));
            out.extend(var_refs(&f.value_expr, &inner));
            if let Some(k) = &f.key_expr {
                out.extend(var_refs(k, &inner));
            }
        }
        other => {
            for c in children(other) {
                out.extend(var_refs(&c, scope));
            }
        }
    }
    out
}

/// The scope inside a for-expression: its key and value variables depend on the variables of
/// the collection.
fn for_scope(
    f: &ForExpr,
    scope: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, BTreeSet<String>> {
    let deps = var_refs(&f.collection_expr, scope);
    let mut inner = scope.clone();
    inner.insert(f.value_var.to_string(), deps.clone());
    if let Some(k) = &f.key_var {
        inner.insert(k.to_string(), deps);
    }
    inner
}

// ------------------------------------------------------------------ expected resources

/// One expected-resource declaration of a qualification submodule.
#[derive(Debug, Clone)]
struct Declaration {
    key: String,
    cfn_type: Option<String>,
    checks: Vec<String>,
    /// Input variables the `identifier` depends on.
    identifier_vars: BTreeSet<String>,
}

impl Declaration {
    fn from_attrs(
        get: &dyn Fn(&str) -> Option<Expression>,
        scope: &BTreeMap<String, BTreeSet<String>>,
    ) -> Declaration {
        Declaration {
            key: get("key")
                .and_then(|e| literal(&e))
                .unwrap_or_else(|| "<computed key>".into()),
            cfn_type: get("type").and_then(|e| literal(&e)),
            checks: get("checks").map(|e| string_list(&e)).unwrap_or_default(),
            identifier_vars: get("identifier")
                .map(|e| var_refs(&e, scope))
                .unwrap_or_default(),
        }
    }
}

/// Object constructors with an `identifier` attribute inside `expr` (through arrays, function
/// calls such as `concat`, conditionals and for-expressions), with the scope they are in.
fn expected_objects(
    expr: &Expression,
    scope: &BTreeMap<String, BTreeSet<String>>,
    out: &mut Vec<Declaration>,
) {
    match expr {
        Expression::Object(obj) => {
            let fields: BTreeMap<String, Expression> = obj
                .iter()
                .filter_map(|(k, v)| Some((object_key(k)?, v.clone())))
                .collect();
            if fields.contains_key("identifier") {
                out.push(Declaration::from_attrs(&|k| fields.get(k).cloned(), scope));
            }
        }
        Expression::ForExpr(f) => {
            let inner = for_scope(f, scope);
            expected_objects(&f.value_expr, &inner, out);
        }
        Expression::Array(_)
        | Expression::FuncCall(_)
        | Expression::Parenthesis(_)
        | Expression::Conditional(_) => {
            for c in children(expr) {
                expected_objects(&c, scope, out);
            }
        }
        _ => {}
    }
}

/// The expected resources a qualification submodule declares: static `expected_resource` blocks
/// of its `gxp_expected_spec`, and the objects of every local that a
/// `dynamic "expected_resource"` block iterates (`for_each = local.NAME`).
fn declarations(q: &Module) -> Vec<Declaration> {
    let locals = q.locals();
    let scope = BTreeMap::new();
    let mut out = Vec::new();
    for (ty, _, block) in q.resources() {
        if ty != "gxp_expected_spec" {
            continue;
        }
        for b in block.body().blocks() {
            if b.identifier() == "expected_resource" {
                out.push(Declaration::from_attrs(
                    &|k| attr(b.body(), k).cloned(),
                    &scope,
                ));
            } else if b.identifier() == "dynamic" && label(b, 0) == Some("expected_resource") {
                let Some(for_each) = attr(b.body(), "for_each") else {
                    continue;
                };
                for path in references(for_each) {
                    if path.len() >= 2 && path[0] == "local" {
                        if let Some(expr) = locals.get(path[1].as_str()) {
                            expected_objects(expr, &scope, &mut out);
                        }
                    }
                }
            }
        }
    }
    out
}

/// Problems with the catalog checks of a declaration (unknown, or not for its type).
fn check_problems(d: &Declaration) -> Vec<String> {
    let mut out = Vec::new();
    let Some(ty) = &d.cfn_type else {
        out.push(format!(
            "expected resource `{}` has no literal `type`",
            d.key
        ));
        return out;
    };
    if d.checks.is_empty() {
        out.push(format!(
            "expected resource `{}` lists no catalog checks",
            d.key
        ));
    }
    for c in &d.checks {
        match gxp_core::catalog::get(c) {
            None => out.push(format!(
                "expected resource `{}`: `{c}` is not a catalog check",
                d.key
            )),
            Some(def) if !def.resource_types.is_empty() && !def.applies_to(ty) => {
                out.push(format!(
                    "expected resource `{}`: `{c}` does not apply to {ty}",
                    d.key
                ))
            }
            Some(_) => {}
        }
    }
    out
}

/// The coverage rule.
///
/// A security-relevant resource `T.N` of the parent module (`T` in [`SECURITY_TYPES`]) is
/// covered when
/// 1. an argument `V` of the parent's `module` call with `source = "./qualification"` has an
///    expression that references `T.N` (e.g. `evidence_bucket_name = aws_s3_bucket.evidence.id`,
///    or a for-expression over `aws_vpc_endpoint.interface`), and
/// 2. the qualification submodule declares an expected resource (a static `expected_resource`
///    block of its `gxp_expected_spec`, or an object of the local its
///    `dynamic "expected_resource"` iterates) whose `identifier` depends on `var.V` (directly or
///    through a for-expression over `var.V`), whose `type` is `T`'s CloudFormation type, and
///    whose `checks` are non-empty catalog checks that apply to that type.
///
/// Resources of a type in [`ATTACHED_TO_VPC`] (flow logs, the default security group) are
/// covered when their `vpc_id` references a VPC `aws_vpc.N` of the module that is covered by
/// an expected resource listing the given check (`ec2.vpc_flow_logs`, `ec2.default_sg_closed`).
///
/// Every declaration's checks must also be catalog checks for its type.
fn coverage_problems(parent: &Module, qual: &Module) -> Vec<String> {
    coverage_problems_with(parent, qual, &[])
}

/// Source prefix of the internal modules (`modules/_internal/*`) a parent module calls.
const INTERNAL_SOURCE_PREFIX: &str = "../_internal/";

/// The internal modules a parent calls, as (call name, module).
fn internal_calls(parent: &Module) -> Vec<(String, Module)> {
    parent
        .module_calls()
        .into_iter()
        .filter(|(_, source, _)| source.starts_with(INTERNAL_SOURCE_PREFIX))
        .map(|(name, source, _)| {
            let dir = parent.dir.join(&source);
            let m = Module::load(&dir).unwrap_or_else(|e| panic!("module.{name}: {e}"));
            (name.to_string(), m)
        })
        .collect()
}

/// [`coverage_problems`], where the parent also creates resources through internal modules
/// (`module "bucket" { source = "../_internal/hardened-bucket" }`): a security-relevant
/// resource `T.N` of such a module is covered when one of the module's outputs references it
/// and the qualification call passes that output (`module.bucket.bucket_name`) to an input
/// that identifies an expected resource of `T`'s type, as for the parent's own resources.
fn coverage_problems_with(
    parent: &Module,
    qual: &Module,
    internals: &[(String, Module)],
) -> Vec<String> {
    let mut problems = Vec::new();
    let decls = declarations(qual);
    for d in &decls {
        problems.extend(check_problems(d));
    }
    let call = parent.qualification_call();
    let inputs: Vec<(&str, &Expression)> = call
        .map(|c| c.body().attributes().map(|a| (a.key(), a.expr())).collect())
        .unwrap_or_default();

    // Declarations that cover `ty.name`.
    let covering = |ty: &str, name: &str, cfn: &str| -> Vec<&Declaration> {
        let receiving: BTreeSet<&str> = inputs
            .iter()
            .filter(|(_, e)| refers_to(e, &[ty, name]))
            .map(|(k, _)| *k)
            .collect();
        decls
            .iter()
            .filter(|d| d.cfn_type.as_deref() == Some(cfn))
            .filter(|d| {
                d.identifier_vars
                    .iter()
                    .any(|v| receiving.contains(v.as_str()))
            })
            .filter(|d| check_problems(d).is_empty())
            .collect()
    };

    for (ty, name, _) in parent.resources() {
        if let Some((_, cfn)) = SECURITY_TYPES.iter().find(|(t, _)| *t == ty) {
            if call.is_none() {
                problems.push(format!(
                    "{ty}.{name}: the module has no `module` call with source \"{QUALIFICATION_SOURCE}\""
                ));
                continue;
            }
            let receiving: Vec<&str> = inputs
                .iter()
                .filter(|(_, e)| refers_to(e, &[ty, name]))
                .map(|(k, _)| *k)
                .collect();
            if receiving.is_empty() {
                problems.push(format!(
                    "{ty}.{name}: not passed to the qualification submodule (no argument references it)"
                ));
            } else if covering(ty, name, cfn).is_empty() {
                problems.push(format!(
                    "{ty}.{name}: passed as {receiving:?}, but no expected resource of type {cfn} with applicable checks has an identifier from those inputs"
                ));
            }
        }
    }

    for (call, child) in internals {
        for (ty, name, _) in child.resources() {
            let Some((_, cfn)) = SECURITY_TYPES.iter().find(|(t, _)| *t == ty) else {
                continue;
            };
            let outputs: Vec<&str> = child
                .outputs()
                .into_iter()
                .filter(|(_, b)| attr(b.body(), "value").is_some_and(|e| refers_to(e, &[ty, name])))
                .map(|(o, _)| o)
                .collect();
            if outputs.is_empty() {
                problems.push(format!(
                    "module.{call}: {ty}.{name} is exposed by no output, so it cannot be passed to the qualification submodule"
                ));
                continue;
            }
            let receiving: BTreeSet<&str> = inputs
                .iter()
                .filter(|(_, e)| {
                    outputs
                        .iter()
                        .any(|o| refers_to(e, &["module", call.as_str(), o]))
                })
                .map(|(k, _)| *k)
                .collect();
            if receiving.is_empty() {
                problems.push(format!(
                    "module.{call}: {ty}.{name}: none of its outputs {outputs:?} is passed to the qualification submodule"
                ));
                continue;
            }
            let covered = decls.iter().any(|d| {
                d.cfn_type.as_deref() == Some(*cfn)
                    && d.identifier_vars
                        .iter()
                        .any(|v| receiving.contains(v.as_str()))
                    && check_problems(d).is_empty()
            });
            if !covered {
                problems.push(format!(
                    "module.{call}: {ty}.{name}: passed as {receiving:?}, but no expected resource of type {cfn} with applicable checks has an identifier from those inputs"
                ));
            }
        }
    }

    for (ty, name, block) in parent.resources() {
        let Some((_, check)) = ATTACHED_TO_VPC.iter().find(|(t, _)| *t == ty) else {
            continue;
        };
        let vpcs: Vec<String> = attr(block.body(), "vpc_id")
            .map(references)
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.len() >= 2 && p[0] == "aws_vpc")
            .map(|p| p[1].clone())
            .collect();
        if vpcs.is_empty() {
            problems.push(format!(
                "{ty}.{name}: its vpc_id does not reference an aws_vpc of the module"
            ));
        }
        for vpc in vpcs {
            let ok = covering("aws_vpc", &vpc, "AWS::EC2::VPC")
                .iter()
                .any(|d| d.checks.iter().any(|c| c == check));
            if !ok {
                problems.push(format!(
                    "{ty}.{name}: aws_vpc.{vpc} is not covered by an expected resource with `{check}`"
                ));
            }
        }
    }
    problems
}

/// Every string literal inside `expr`, following `local.NAME...` references into the locals
/// of `m` (for `checks = local.expected_account.checks` with `concat([...], cond ? [...] : [])`).
fn string_literals(m: &Module, expr: &Expression, out: &mut BTreeSet<String>) {
    if let Some(s) = literal(expr) {
        out.insert(s);
        return;
    }
    if let Expression::Traversal(t) = expr {
        if let (Expression::Variable(root), Some(TraversalOperator::GetAttr(name))) =
            (&t.expr, t.operators.first())
        {
            if root.as_str() == "local" {
                let locals = m.locals();
                if let Some(value) = locals.get(name.as_str()) {
                    // `local.X.checks`: the `checks` field of the local's object.
                    let field = t.operators.get(1).and_then(|op| match op {
                        TraversalOperator::GetAttr(f) => Some(f.to_string()),
                        _ => None,
                    });
                    match (field, value) {
                        (Some(f), Expression::Object(obj)) => {
                            for (k, v) in obj.iter() {
                                if object_key(k).as_deref() == Some(f.as_str()) {
                                    string_literals(m, v, out);
                                }
                            }
                        }
                        _ => string_literals(m, value, out),
                    }
                }
                return;
            }
        }
    }
    for c in children(expr) {
        string_literals(m, &c, out);
    }
}

/// The checks of the qualification's `expected_account` block (static, or `dynamic` with a
/// `content` block), every literal that can appear in its `checks`.
fn account_checks(q: &Module) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (ty, _, block) in q.resources() {
        if ty != "gxp_expected_spec" {
            continue;
        }
        for b in block.body().blocks() {
            let body = if b.identifier() == "expected_account" {
                Some(b.body())
            } else if b.identifier() == "dynamic" && label(b, 0) == Some("expected_account") {
                b.body()
                    .blocks()
                    .find(|c| c.identifier() == "content")
                    .map(|c| c.body())
            } else {
                None
            };
            if let Some(checks) = body.and_then(|body| attr(body, "checks")) {
                string_literals(q, checks, &mut out);
            }
        }
    }
    out
}

/// The account rule: every account-level resource of the parent ([`ACCOUNT_RESOURCES`]) is
/// qualified by its check in the qualification's `expected_account` block, and every check
/// listed there is a catalog check of the account type.
fn account_problems(parent: &Module, qual: &Module) -> Vec<String> {
    let mut problems = Vec::new();
    let checks = account_checks(qual);
    for (ty, name, _) in parent.resources() {
        if let Some((_, check)) = ACCOUNT_RESOURCES.iter().find(|(t, _)| *t == ty) {
            if !checks.contains(*check) {
                problems.push(format!(
                    "{ty}.{name}: the qualification's expected_account does not list `{check}`"
                ));
            }
        }
    }
    for c in &checks {
        match gxp_core::catalog::get(c) {
            None => problems.push(format!("expected_account: `{c}` is not a catalog check")),
            Some(def) if !def.applies_to(ACCOUNT_TYPE) => problems.push(format!(
                "expected_account: `{c}` does not apply to {ACCOUNT_TYPE}"
            )),
            Some(_) => {}
        }
    }
    problems
}

/// The landing zone composes the modules' fragments: every call of a sibling module that has a
/// qualification submodule sets `qualification_enabled = false`, and the landing zone's own
/// qualification call takes that module's `qualification_requirements` and
/// `qualification_expected_resources`.
fn composition_problems(lz: &Module, modules_root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(q) = lz.qualification_call() else {
        return vec![format!("{}: no `./qualification` call", lz.name())];
    };
    let requirements = attr(q.body(), "requirements");
    let expected = attr(q.body(), "expected_resources");
    let mut composed = 0;
    for (name, source, block) in lz.module_calls() {
        let Some(sibling) = source.strip_prefix("../") else {
            continue;
        };
        if !modules_root.join(sibling).join("qualification").is_dir() {
            continue;
        }
        composed += 1;
        if !matches!(
            attr(block.body(), "qualification_enabled"),
            Some(Expression::Bool(false))
        ) {
            problems.push(format!(
                "module.{name}: must set qualification_enabled = false (the landing zone files one combined specification)"
            ));
        }
        let mut fragments = vec![
            ("requirements", requirements, "qualification_requirements"),
            (
                "expected_resources",
                expected,
                "qualification_expected_resources",
            ),
        ];
        // A module qualifying the account (account-baseline) also passes its account block.
        let sibling_module = Module::load(&modules_root.join(sibling));
        if sibling_module
            .as_ref()
            .is_ok_and(|m| m.outputs().contains_key("qualification_expected_account"))
        {
            fragments.push((
                "expected_account",
                attr(q.body(), "expected_account"),
                "qualification_expected_account",
            ));
        }
        for (arg, expr, output) in fragments {
            if !expr.is_some_and(|e| refers_to(e, &["module", name, output])) {
                problems.push(format!(
                    "module.qualification.{arg} does not include module.{name}.{output}"
                ));
            }
        }
    }
    if composed == 0 {
        problems.push(format!("{}: composes no module", lz.name()));
    }
    problems
}

// ------------------------------------------------------------------ README tables

/// One row of a README table: the name (backticks removed) and its cells.
fn table_after(readme: &str, heading: &str) -> Option<Vec<Vec<String>>> {
    let mut lines = readme.lines().skip_while(|l| l.trim() != heading);
    lines.next()?;
    let rows: Vec<Vec<String>> = lines
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| l.trim_start().starts_with('|'))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_string())
                .collect()
        })
        .collect();
    // Header and separator rows.
    Some(rows.into_iter().skip(2).collect())
}

/// Differences between a README's Inputs/Outputs tables and the module's variables/outputs.
fn readme_problems(readme: &str, module: &Module) -> Vec<String> {
    let mut problems = Vec::new();
    for heading in ["## Controls", "## Example"] {
        if !readme.lines().any(|l| l.trim().starts_with(heading)) {
            problems.push(format!("README has no `{heading}` section"));
        }
    }
    match table_after(readme, "## Inputs") {
        None => problems.push("README has no `## Inputs` table".into()),
        Some(rows) => {
            let vars = module.variables();
            let documented: BTreeMap<String, String> = rows
                .iter()
                .filter_map(|r| Some((r.first()?.clone(), r.last()?.to_lowercase())))
                .collect();
            for (name, block) in &vars {
                let required = attr(block.body(), "default").is_none();
                match documented.get(*name) {
                    None => problems.push(format!("input `{name}` missing from README")),
                    Some(cell) if (cell == "yes") != required => problems.push(format!(
                        "input `{name}`: README says required = {cell}, the variable is {}",
                        if required { "required" } else { "optional" }
                    )),
                    Some(_) => {}
                }
            }
            for name in documented.keys() {
                if !vars.contains_key(name.as_str()) {
                    problems.push(format!("README documents unknown input `{name}`"));
                }
            }
        }
    }
    match table_after(readme, "## Outputs") {
        None => problems.push("README has no `## Outputs` table".into()),
        Some(rows) => {
            let outputs = module.outputs();
            let documented: BTreeSet<String> =
                rows.iter().filter_map(|r| r.first().cloned()).collect();
            for name in outputs.keys() {
                if !documented.contains(*name) {
                    problems.push(format!("output `{name}` missing from README"));
                }
            }
            for name in &documented {
                if !outputs.contains_key(name.as_str()) {
                    problems.push(format!("README documents unknown output `{name}`"));
                }
            }
        }
    }
    problems
}

// ------------------------------------------------------------------ repeated declarations

/// Variables every composable qualification submodule (one with `enabled`) declares, and
/// the landing zone's qualification too (except `enabled`), with the same type.
const SHARED_QUALIFICATION_VARIABLES: &[&str] = &[
    "enabled",
    "name",
    "spec_version",
    "application_id",
    "environment",
    "risk_class",
    "approval",
    "evidence_store",
    "requalify_after",
    "enforce",
    "configuration_commit",
];

/// Outputs every qualification submodule declares.
const SHARED_QUALIFICATION_OUTPUTS: &[&str] = &[
    "spec_id",
    "spec_digest",
    "spec_revision",
    "qualification_id",
    "qualification_status",
    "report_location",
    "requirements",
    "expected_resources",
];

/// A block's body without its `description` attribute.
fn without_description(b: &Block) -> Body {
    b.body()
        .iter()
        .filter(|s| !matches!(s, hcl::Structure::Attribute(a) if a.key() == "description"))
        .cloned()
        .collect()
}

/// Drift within a family of modules that repeat declarations (the composable parents'
/// variables; the composable qualification submodules' variables and outputs): a block of
/// one of `kinds` declared under the same name by several of them must be declared alike —
/// type, default, validation, value, `depends_on`, everything but the description, which
/// names each module's own resources.
fn drift_problems(family: &[&Module], kinds: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    for &kind in kinds {
        let mut by_name: BTreeMap<&str, Vec<(&Module, Body)>> = BTreeMap::new();
        for m in family {
            for b in m.blocks(kind) {
                if let Some(name) = label(b, 0) {
                    by_name
                        .entry(name)
                        .or_default()
                        .push((m, without_description(b)));
                }
            }
        }
        for (name, decls) in by_name {
            let (first, body) = &decls[0];
            for (other, other_body) in &decls[1..] {
                if other_body != body {
                    problems.push(format!(
                        "{kind} `{name}` of {} differs from the one of {} (only the description may differ)",
                        other.name(),
                        first.name()
                    ));
                }
            }
        }
    }
    problems
}

/// The composable qualification submodules declare the shared interface; the landing zone's
/// qualification declares it too (without `enabled`), with the same variable types.
fn shared_interface_problems(composable: &[&Module], landing_zone: &Module) -> Vec<String> {
    let mut problems = Vec::new();
    for m in composable {
        for v in SHARED_QUALIFICATION_VARIABLES {
            if !m.variables().contains_key(v) {
                problems.push(format!("{}: declares no variable `{v}`", m.name()));
            }
        }
        for o in SHARED_QUALIFICATION_OUTPUTS {
            if !m.outputs().contains_key(o) {
                problems.push(format!("{}: declares no output `{o}`", m.name()));
            }
        }
    }
    let Some(reference) = composable.first() else {
        return problems;
    };
    let type_of = |m: &Module, v: &str| {
        m.variables()
            .get(v)
            .and_then(|b| attr(b.body(), "type").cloned())
    };
    for v in SHARED_QUALIFICATION_VARIABLES
        .iter()
        .filter(|v| **v != "enabled")
    {
        if type_of(landing_zone, v).is_none() || type_of(landing_zone, v) != type_of(reference, v) {
            problems.push(format!(
                "{}: variable `{v}` must be declared with the type of {}",
                landing_zone.name(),
                reference.name()
            ));
        }
    }
    for o in SHARED_QUALIFICATION_OUTPUTS {
        if !landing_zone.outputs().contains_key(o) {
            problems.push(format!("{}: declares no output `{o}`", landing_zone.name()));
        }
    }
    problems
}

// ------------------------------------------------------------------ other rules

/// Variables without a non-empty description or without a type.
fn variable_problems(m: &Module) -> Vec<String> {
    let mut out = Vec::new();
    for (name, block) in m.variables() {
        let description = attr(block.body(), "description").and_then(literal);
        if description.is_none_or(|d| d.trim().is_empty()) {
            out.push(format!("variable `{name}` has no description"));
        }
        if attr(block.body(), "type").is_none() {
            out.push(format!("variable `{name}` has no type"));
        }
    }
    out
}

/// `required_providers` entries as provider name -> (source, version).
fn required_providers(m: &Module) -> BTreeMap<String, (Option<String>, Option<String>)> {
    let mut out = BTreeMap::new();
    for t in m.blocks("terraform") {
        for rp in t
            .body()
            .blocks()
            .filter(|b| b.identifier() == "required_providers")
        {
            for a in rp.body().attributes() {
                let (mut source, mut version) = (None, None);
                if let Expression::Object(obj) = a.expr() {
                    for (k, v) in obj {
                        match object_key(k).as_deref() {
                            Some("source") => source = literal(v),
                            Some("version") => version = literal(v),
                            _ => {}
                        }
                    }
                }
                out.insert(a.key().to_string(), (source, version));
            }
        }
    }
    out
}

fn required_version(m: &Module) -> Option<String> {
    m.blocks("terraform")
        .find_map(|t| attr(t.body(), "required_version").and_then(literal))
}

fn fail_if_any(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

// ------------------------------------------------------------------ tests on the repository

#[test]
fn modules_all_hcl_files_parse() {
    let root = repo_root();
    let files: Vec<PathBuf> = ["modules", "examples"]
        .iter()
        .flat_map(|d| files_with_suffix(&root.join(d), &[".tf", ".tftest.hcl"]))
        .collect();
    assert!(
        files.len() > 30,
        "expected the module files, found {files:?}"
    );
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        if let Err(e) = hcl::parse(&text) {
            problems.push(format!("{}: {e}", f.display()));
        }
    }
    fail_if_any(problems);
}

#[test]
fn modules_expected_module_layout() {
    let root = repo_root().join("modules");
    for m in [
        "evidence-store",
        "audit-trail",
        "config-baseline",
        "network-baseline",
        "account-baseline",
        "landing-zone",
    ] {
        for f in [
            "versions.tf",
            "variables.tf",
            "main.tf",
            "outputs.tf",
            "README.md",
        ] {
            assert!(root.join(m).join(f).is_file(), "modules/{m}/{f} missing");
            assert!(
                root.join(m).join("qualification").join(f).is_file(),
                "modules/{m}/qualification/{f} missing"
            );
        }
        assert!(
            !files_with_suffix(&root.join(m).join("tests"), &[".tftest.hcl"]).is_empty(),
            "modules/{m}/tests has no .tftest.hcl file"
        );
    }
}

#[test]
fn modules_variables_have_description_and_type() {
    let root = repo_root();
    let mut problems = Vec::new();
    let dirs: Vec<PathBuf> = module_dirs(&root.join("modules"))
        .into_iter()
        .chain(module_dirs(&root.join("examples")))
        .collect();
    for dir in dirs {
        let m = Module::load(&dir).unwrap();
        problems.extend(
            variable_problems(&m)
                .into_iter()
                .map(|p| format!("{}: {p}", m.name())),
        );
    }
    fail_if_any(problems);
}

#[test]
fn modules_version_constraints() {
    let mut problems = Vec::new();
    for parent in parent_modules() {
        for (dir, is_qualification) in [
            (parent.clone(), false),
            (parent.join("qualification"), true),
        ] {
            let m = Module::load(&dir).unwrap();
            if required_version(&m).as_deref() != Some(">= 1.5") {
                problems.push(format!("{}: required_version must be \">= 1.5\"", m.name()));
            }
            let providers = required_providers(&m);
            match providers.get("gxp") {
                Some((Some(s), _)) if s == "gxp/gxp" => {}
                _ => problems.push(format!("{}: gxp must come from gxp/gxp", m.name())),
            }
            let aws = providers.get("aws");
            if is_qualification {
                if aws.is_some() {
                    problems.push(format!(
                        "{}: a qualification submodule must not require aws",
                        m.name()
                    ));
                }
                for b in &m.blocks {
                    if matches!(b.identifier(), "resource" | "data")
                        && label(b, 0).is_some_and(|t| !t.starts_with("gxp_"))
                    {
                        problems.push(format!(
                            "{}: {} {:?} is not a gxp resource",
                            m.name(),
                            b.identifier(),
                            label(b, 0)
                        ));
                    }
                }
                let types: Vec<&str> = m.resources().iter().map(|(t, _, _)| *t).collect();
                for needed in ["gxp_expected_spec", "gxp_qualification"] {
                    if !types.contains(&needed) {
                        problems.push(format!("{}: declares no {needed}", m.name()));
                    }
                }
            } else {
                match aws {
                    Some((Some(s), Some(v))) if s == "hashicorp/aws" && v == "~> 5.0" => {}
                    _ => problems.push(format!(
                        "{}: aws must be hashicorp/aws \"~> 5.0\", got {aws:?}",
                        m.name()
                    )),
                }
            }
        }
    }
    fail_if_any(problems);
}

#[test]
fn modules_security_resources_are_covered_by_expected_resources() {
    let mut problems = Vec::new();
    let mut covered_types = BTreeSet::new();
    for parent in parent_modules() {
        let m = Module::load(&parent).unwrap();
        let q = Module::load(&parent.join("qualification")).unwrap();
        let internals = internal_calls(&m);
        for (ty, _, _) in m
            .resources()
            .into_iter()
            .chain(internals.iter().flat_map(|(_, c)| c.resources()))
        {
            covered_types.insert(ty.to_string());
        }
        problems.extend(
            coverage_problems_with(&m, &q, &internals)
                .into_iter()
                .chain(account_problems(&m, &q))
                .map(|p| format!("{}: {p}", m.name())),
        );
        // A composable parent (one with `qualification_enabled`) forwards its submodule's
        // fragments for the landing zone's combined specification.
        if m.variables().contains_key("qualification_enabled") {
            let outputs = m.outputs();
            for (output, source) in [
                ("qualification_requirements", "requirements"),
                ("qualification_expected_resources", "expected_resources"),
            ] {
                let forwards = outputs
                    .get(output)
                    .and_then(|b| attr(b.body(), "value"))
                    .is_some_and(|e| refers_to(e, &["module", "qualification", source]));
                if !forwards {
                    problems.push(format!(
                        "{}: output `{output}` must be module.qualification.{source}",
                        m.name()
                    ));
                }
            }
        }
    }
    fail_if_any(problems);
    // The rule was exercised on every security-relevant type the modules create.
    for ty in [
        "aws_s3_bucket",
        "aws_kms_key",
        "aws_cloudtrail",
        "aws_config_configuration_recorder",
        "aws_config_delivery_channel",
        "aws_vpc",
        "aws_flow_log",
        "aws_default_security_group",
        "aws_security_group",
        "aws_vpc_endpoint",
        "aws_cloudwatch_log_group",
    ] {
        assert!(covered_types.contains(ty), "no module creates {ty}");
    }
}

#[test]
fn modules_landing_zone_composes_the_five_modules() {
    let root = repo_root().join("modules");
    let lz = Module::load(&root.join("landing-zone")).unwrap();
    fail_if_any(composition_problems(&lz, &root));
    let sources: BTreeSet<String> = lz.module_calls().into_iter().map(|(_, s, _)| s).collect();
    for m in [
        "../evidence-store",
        "../audit-trail",
        "../config-baseline",
        "../network-baseline",
        "../account-baseline",
    ] {
        assert!(
            sources.contains(m),
            "landing-zone does not call {m}: {sources:?}"
        );
    }
}

#[test]
fn modules_readme_tables_match_variables_and_outputs() {
    let mut problems = Vec::new();
    let internal = repo_root().join("modules/_internal");
    for dir in module_dirs(&internal) {
        let m = Module::load(&dir).unwrap();
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
        problems.extend(
            readme_problems(&readme, &m)
                .into_iter()
                .map(|p| format!("{}: {p}", m.name())),
        );
    }
    for parent in parent_modules() {
        for dir in [parent.clone(), parent.join("qualification")] {
            let m = Module::load(&dir).unwrap();
            let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
            problems.extend(
                readme_problems(&readme, &m)
                    .into_iter()
                    .map(|p| format!("{}: {p}", m.name())),
            );
        }
    }
    fail_if_any(problems);
}

#[test]
fn modules_repeated_variables_and_outputs_do_not_drift() {
    let parents: Vec<Module> = parent_modules()
        .iter()
        .map(|p| Module::load(p).unwrap())
        .collect();
    let quals: Vec<Module> = parent_modules()
        .iter()
        .map(|p| Module::load(&p.join("qualification")).unwrap())
        .collect();
    let composable_parents: Vec<&Module> = parents
        .iter()
        .filter(|m| m.variables().contains_key("qualification_enabled"))
        .collect();
    let composable_quals: Vec<&Module> = quals
        .iter()
        .filter(|m| m.variables().contains_key("enabled"))
        .collect();
    assert_eq!(composable_parents.len(), 5, "the five composable modules");
    assert_eq!(composable_quals.len(), 5, "their qualification submodules");
    let landing_zone = quals
        .iter()
        .find(|m| m.dir.ends_with("landing-zone/qualification"))
        .expect("landing-zone/qualification");
    // The parents' outputs name their own resources; their inputs are one interface.
    let mut problems = drift_problems(&composable_parents, &["variable"]);
    problems.extend(drift_problems(&composable_quals, &["variable", "output"]));
    problems.extend(shared_interface_problems(&composable_quals, landing_zone));
    fail_if_any(problems);
}

// ------------------------------------------------------------------ unit tests of the rules

fn inline(dir: &str, text: &str) -> Module {
    Module::parse(Path::new(dir), &[("main.tf", text)]).expect("inline HCL parses")
}

const PARENT: &str = r#"
resource "aws_s3_bucket" "data" { bucket = "d" }
resource "aws_kms_key" "key" { enable_key_rotation = true }
resource "aws_vpc" "this" { cidr_block = "10.0.0.0/16" }
resource "aws_flow_log" "vpc" { vpc_id = aws_vpc.this.id }
resource "aws_vpc_endpoint" "interface" {
  for_each = toset(["kms", "sts"])
  vpc_id   = aws_vpc.this.id
}
module "qualification" {
  source       = "./qualification"
  bucket_name  = aws_s3_bucket.data.id
  key_arn      = aws_kms_key.key.arn
  vpc_id       = aws_vpc.this.id
  endpoint_ids = { for k, e in aws_vpc_endpoint.interface : k => e.id }
}
"#;

const QUALIFICATION: &str = r#"
locals {
  expected_resources = concat([
    {
      key        = "vpc"
      type       = "AWS::EC2::VPC"
      identifier = var.vpc_id
      checks     = ["ec2.vpc_flow_logs"]
    },
    ], [for name, id in var.endpoint_ids : {
      key        = "vpce_${name}"
      type       = "AWS::EC2::VPCEndpoint"
      identifier = id
      checks     = ["ec2.vpc_endpoints_available"]
  }])
}
resource "gxp_expected_spec" "this" {
  name = "x"
  expected_resource {
    key        = "data"
    type       = "AWS::S3::Bucket"
    identifier = var.bucket_name
    checks     = ["s3.versioning"]
  }
  expected_resource {
    key        = "key"
    type       = "AWS::KMS::Key"
    identifier = "${var.key_arn}"
    checks     = ["kms.rotation"]
  }
  dynamic "expected_resource" {
    for_each = local.expected_resources
    content {
      key        = expected_resource.value.key
      type       = expected_resource.value.type
      identifier = expected_resource.value.identifier
      checks     = expected_resource.value.checks
    }
  }
}
"#;

#[test]
fn coverage_rule_accepts_a_fully_covered_module() {
    let problems = coverage_problems(&inline("p", PARENT), &inline("q", QUALIFICATION));
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn coverage_rule_reports_a_resource_not_passed_to_the_submodule() {
    let parent = PARENT.replace("  key_arn      = aws_kms_key.key.arn\n", "");
    let problems = coverage_problems(&inline("p", &parent), &inline("q", QUALIFICATION));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with("aws_kms_key.key: not passed"),
        "{problems:#?}"
    );
}

#[test]
fn coverage_rule_reports_a_passed_resource_without_expected_resource() {
    let q = QUALIFICATION.replace("identifier = \"${var.key_arn}\"", "identifier = \"fixed\"");
    let problems = coverage_problems(&inline("p", PARENT), &inline("q", &q));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("aws_kms_key.key: passed as [\"key_arn\"]"),
        "{problems:#?}"
    );
}

#[test]
fn coverage_rule_reports_a_wrong_type_or_inapplicable_check() {
    let wrong_type = QUALIFICATION.replace(
        "type       = \"AWS::KMS::Key\"",
        "type       = \"AWS::S3::Bucket\"",
    );
    let problems = coverage_problems(&inline("p", PARENT), &inline("q", &wrong_type));
    assert!(
        problems
            .iter()
            .any(|p| p.contains("`kms.rotation` does not apply to AWS::S3::Bucket")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with("aws_kms_key.key:")),
        "{problems:#?}"
    );

    let unknown = QUALIFICATION.replace("\"s3.versioning\"", "\"s3.no_such_check\"");
    let problems = coverage_problems(&inline("p", PARENT), &inline("q", &unknown));
    assert!(
        problems
            .iter()
            .any(|p| p.contains("`s3.no_such_check` is not a catalog check")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("aws_s3_bucket.data:")),
        "{problems:#?}"
    );
}

#[test]
fn coverage_rule_follows_for_expressions_and_reports_missing_endpoints() {
    // Without the for-expression the endpoints are passed but not identified.
    let q = QUALIFICATION.replace("identifier = id\n", "identifier = name\n");
    let problems = coverage_problems(&inline("p", PARENT), &inline("q", &q));
    // `name` is the key variable of the same for-expression, so it still depends on the input.
    assert!(problems.is_empty(), "{problems:#?}");

    let q = QUALIFICATION.replace("identifier = id\n", "identifier = \"vpce-fixed\"\n");
    let problems = coverage_problems(&inline("p", PARENT), &inline("q", &q));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with("aws_vpc_endpoint.interface:"),
        "{problems:#?}"
    );
}

#[test]
fn coverage_rule_requires_the_flow_log_check_on_the_vpc() {
    let q = QUALIFICATION.replace("[\"ec2.vpc_flow_logs\"]", "[\"ec2.default_sg_closed\"]");
    let problems = coverage_problems(&inline("p", PARENT), &inline("q", &q));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with("aws_flow_log.vpc: aws_vpc.this is not covered by an expected resource with `ec2.vpc_flow_logs`"),
        "{problems:#?}"
    );
}

#[test]
fn coverage_rule_requires_a_qualification_call() {
    let parent = "resource \"aws_s3_bucket\" \"data\" { bucket = \"d\" }\n";
    let problems = coverage_problems(&inline("p", parent), &inline("q", QUALIFICATION));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].contains("no `module` call"), "{problems:#?}");
}

#[test]
fn account_rule_reports_an_unqualified_account_setting_and_unknown_checks() {
    let parent = inline(
        "p",
        "resource \"aws_iam_account_password_policy\" \"this\" {}\nresource \"aws_guardduty_detector\" \"this\" {}\n",
    );
    let q = r#"
locals {
  expected_account = {
    checks = concat(["iam.password_policy"], var.x ? ["s3.no_such_check"] : [])
  }
}
resource "gxp_expected_spec" "this" {
  expected_account {
    checks = local.expected_account.checks
  }
}
"#;
    let problems = account_problems(&parent, &inline("q", q));
    assert_eq!(
        problems,
        vec![
            "aws_guardduty_detector.this: the qualification's expected_account does not list `guardduty.enabled`".to_string(),
            "expected_account: `s3.no_such_check` is not a catalog check".to_string(),
        ]
    );
    let q = q.replace("var.x ? [\"s3.no_such_check\"] : []", "[\"s3.versioning\"]");
    let problems = account_problems(&parent, &inline("q", &q));
    assert!(
        problems
            .iter()
            .any(|p| p == "expected_account: `s3.versioning` does not apply to AWS::::Account"),
        "{problems:#?}"
    );
}

#[test]
fn composition_rule_reports_a_module_left_out() {
    let root = repo_root().join("modules");
    let lz = r#"
module "evidence_store" {
  source                = "../evidence-store"
  qualification_enabled = false
}
module "audit_trail" {
  source = "../audit-trail"
}
module "qualification" {
  source             = "./qualification"
  requirements       = concat(module.evidence_store.qualification_requirements)
  expected_resources = concat(module.evidence_store.qualification_expected_resources)
}
"#;
    let problems = composition_problems(&inline("lz", lz), &root);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].contains("module.audit_trail: must set qualification_enabled = false"));
    assert!(problems[1].contains("does not include module.audit_trail.qualification_requirements"));
    assert!(problems[2]
        .contains("does not include module.audit_trail.qualification_expected_resources"));
}

#[test]
fn variable_rule_reports_missing_description_and_type() {
    let m = inline(
        "v",
        "variable \"a\" {\n  type = string\n}\nvariable \"b\" {\n  description = \"B.\"\n}\nvariable \"c\" {\n  description = \"C.\"\n  type = number\n}\n",
    );
    assert_eq!(
        variable_problems(&m),
        vec![
            "variable `a` has no description".to_string(),
            "variable `b` has no type".to_string()
        ]
    );
}

#[test]
fn readme_rule_reports_missing_extra_and_wrong_required() {
    let m = inline(
        "r",
        "variable \"name\" {\n  description = \"N.\"\n  type = string\n}\nvariable \"size\" {\n  description = \"S.\"\n  type = number\n  default = 1\n}\noutput \"id\" {\n  description = \"I.\"\n  value = 1\n}\n",
    );
    let good = "## Controls\n\n## Inputs\n\n| Name | Description | Type | Default | Required |\n|---|---|---|---|---|\n| `name` | N. | `string` | n/a | yes |\n| `size` | S. | `number` | `1` | no |\n\n## Outputs\n\n| Name | Description |\n|---|---|\n| `id` | I. |\n\n## Example\n";
    assert!(
        readme_problems(good, &m).is_empty(),
        "{:#?}",
        readme_problems(good, &m)
    );
    let bad = good
        .replace(
            "| `size` | S. | `number` | `1` | no |",
            "| `size` | S. | `number` | `1` | yes |\n| `old` | O. | `string` | n/a | yes |",
        )
        .replace("| `id` | I. |", "| `arn` | A. |");
    assert_eq!(
        readme_problems(&bad, &m),
        vec![
            "input `size`: README says required = yes, the variable is optional".to_string(),
            "README documents unknown input `old`".to_string(),
            "output `id` missing from README".to_string(),
            "README documents unknown output `arn`".to_string(),
        ]
    );
}

#[test]
fn drift_rule_reports_a_repeated_variable_declared_differently() {
    let a = inline(
        "a",
        "variable \"risk_class\" {\n  description = \"Risk of A.\"\n  type = string\n  default = \"high\"\n}\noutput \"spec_id\" {\n  description = \"A.\"\n  value = one(gxp_expected_spec.this[*].id)\n}\n",
    );
    let b_same = inline(
        "b",
        "variable \"risk_class\" {\n  description = \"Risk of B.\"\n  type = string\n  default = \"high\"\n}\noutput \"spec_id\" {\n  description = \"B.\"\n  value = one(gxp_expected_spec.this[*].id)\n}\n",
    );
    assert!(drift_problems(&[&a, &b_same], &["variable", "output"]).is_empty());
    let b_drifted = inline(
        "b",
        "variable \"risk_class\" {\n  description = \"Risk of B.\"\n  type = string\n  default = \"medium\"\n}\noutput \"spec_id\" {\n  description = \"B.\"\n  value = gxp_expected_spec.this[0].id\n}\n",
    );
    assert_eq!(
        drift_problems(&[&a, &b_drifted], &["variable", "output"]),
        vec![
            "variable `risk_class` of b differs from the one of a (only the description may differ)".to_string(),
            "output `spec_id` of b differs from the one of a (only the description may differ)".to_string(),
        ]
    );
}

#[test]
fn shared_interface_rule_reports_missing_and_retyped_declarations() {
    let mut full = String::new();
    for v in SHARED_QUALIFICATION_VARIABLES {
        full.push_str(&format!(
            "variable \"{v}\" {{\n  description = \"D.\"\n  type = string\n}}\n"
        ));
    }
    for o in SHARED_QUALIFICATION_OUTPUTS {
        full.push_str(&format!(
            "output \"{o}\" {{\n  description = \"D.\"\n  value = 1\n}}\n"
        ));
    }
    let composable = inline("q", &full);
    let lz_ok = inline(
        "lz",
        &full.replace("variable \"enabled\"", "variable \"unused\""),
    );
    assert!(shared_interface_problems(&[&composable], &lz_ok).is_empty());
    let lz_bad = inline(
        "lz",
        &full
            .replace(
                "variable \"risk_class\" {\n  description = \"D.\"\n  type = string",
                "variable \"risk_class\" {\n  description = \"D.\"\n  type = number",
            )
            .replace("output \"report_location\"", "output \"location\""),
    );
    assert_eq!(
        shared_interface_problems(&[&composable], &lz_bad),
        vec![
            "lz: variable `risk_class` must be declared with the type of q".to_string(),
            "lz: declares no output `report_location`".to_string(),
        ]
    );
}

#[test]
fn coverage_rule_follows_resources_into_internal_modules() {
    let parent = inline(
        "p",
        "module \"bucket\" {\n  source = \"../_internal/hardened-bucket\"\n}\nmodule \"qualification\" {\n  source      = \"./qualification\"\n  bucket_name = module.bucket.bucket_name\n}\n",
    );
    let child = inline(
        "c",
        "resource \"aws_s3_bucket\" \"this\" { bucket = \"b\" }\nresource \"aws_s3_bucket\" \"access_logs\" { bucket = \"l\" }\noutput \"bucket_name\" {\n  value = aws_s3_bucket.this.bucket\n}\noutput \"log_bucket_name\" {\n  value = aws_s3_bucket.access_logs.bucket\n}\n",
    );
    let q = "resource \"gxp_expected_spec\" \"this\" {\n  expected_resource {\n    key        = \"data\"\n    type       = \"AWS::S3::Bucket\"\n    identifier = var.bucket_name\n    checks     = [\"s3.versioning\"]\n  }\n}\n";
    let problems =
        coverage_problems_with(&parent, &inline("q", q), &[("bucket".to_string(), child)]);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with("module.bucket: aws_s3_bucket.access_logs: none of its outputs [\"log_bucket_name\"] is passed"),
        "{problems:#?}"
    );
}

/// `moved { from = A  to = B }` pairs of a module, as written.
fn moved_pairs(m: &Module) -> Vec<(String, String)> {
    let text = |e: &Expression| {
        hcl::format::to_string(e)
            .unwrap_or_default()
            .split_whitespace()
            .collect::<String>()
    };
    m.blocks("moved")
        .filter_map(|b| Some((text(attr(b.body(), "from")?), text(attr(b.body(), "to")?))))
        .collect()
}

/// Problems with a parent's `moved` blocks into its internal modules: the former address
/// must be gone from the parent, and the new one must be a resource of the called module
/// (`module.CALL.TYPE.NAME`, with `[0]` or `["key"]` where the resource has count/for_each).
fn moved_problems(parent: &Module, internals: &[(String, Module)]) -> Vec<String> {
    let mut problems = Vec::new();
    let own: BTreeSet<String> = parent
        .resources()
        .iter()
        .map(|(t, n, _)| format!("{t}.{n}"))
        .collect();
    for (from, to) in moved_pairs(parent) {
        if own.contains(&from) {
            problems.push(format!(
                "moved from {from}, which the module still declares"
            ));
        }
        let parts: Vec<&str> = to.splitn(3, '.').collect();
        let (Some(call), Some(rest)) = (parts.get(1), parts.get(2)) else {
            problems.push(format!("moved to {to}: not an address in a module call"));
            continue;
        };
        let Some((_, child)) = internals.iter().find(|(c, _)| c == call) else {
            problems.push(format!("moved to {to}: no internal module call `{call}`"));
            continue;
        };
        let (address, index) = match rest.find('[') {
            Some(i) => (&rest[..i], Some(&rest[i..])),
            None => (*rest, None),
        };
        let found = child
            .resources()
            .into_iter()
            .find(|(t, n, _)| format!("{t}.{n}") == address);
        match found {
            None => problems.push(format!("moved to {to}: module.{call} has no {address}")),
            Some((_, _, block)) => {
                let counted = attr(block.body(), "count").is_some();
                let each = attr(block.body(), "for_each").is_some();
                let ok = match index {
                    None => !counted && !each,
                    Some("[0]") => counted,
                    Some(i) => each && i.starts_with("[\""),
                };
                if !ok {
                    problems.push(format!(
                        "moved to {to}: the index does not match {address}'s count/for_each"
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn modules_moved_blocks_keep_existing_buckets() {
    let mut problems = Vec::new();
    let mut moves = 0;
    for parent in parent_modules() {
        let m = Module::load(&parent).unwrap();
        let internals = internal_calls(&m);
        moves += moved_pairs(&m).len();
        problems.extend(
            moved_problems(&m, &internals)
                .into_iter()
                .map(|p| format!("{}: {p}", m.name())),
        );
        if !internals.is_empty() && moved_pairs(&m).is_empty() {
            problems.push(format!(
                "{}: calls an internal module but moves no former resource into it",
                m.name()
            ));
        }
    }
    fail_if_any(problems);
    // evidence-store and audit-trail move 16 resources each, config-baseline 15.
    assert_eq!(moves, 47, "moved blocks");
}

#[test]
fn moved_rule_reports_stale_and_dangling_moves() {
    let parent = inline(
        "p",
        "resource \"aws_s3_bucket\" \"old\" { bucket = \"b\" }\nmodule \"bucket\" {\n  source = \"../_internal/hardened-bucket\"\n}\nmoved {\n  from = aws_s3_bucket.old\n  to   = module.bucket.aws_s3_bucket.this\n}\nmoved {\n  from = aws_s3_bucket_versioning.old\n  to   = module.bucket.aws_s3_bucket_versioning.missing\n}\nmoved {\n  from = aws_s3_bucket_lifecycle_configuration.old\n  to   = module.bucket.aws_s3_bucket_lifecycle_configuration.this\n}\n",
    );
    let child = inline(
        "c",
        "resource \"aws_s3_bucket\" \"this\" { bucket = \"b\" }\nresource \"aws_s3_bucket_lifecycle_configuration\" \"this\" {\n  for_each = {}\n  bucket   = \"b\"\n}\n",
    );
    assert_eq!(
        moved_problems(&parent, &[("bucket".to_string(), child)]),
        vec![
            "moved from aws_s3_bucket.old, which the module still declares".to_string(),
            "moved to module.bucket.aws_s3_bucket_versioning.missing: module.bucket has no aws_s3_bucket_versioning.missing".to_string(),
            "moved to module.bucket.aws_s3_bucket_lifecycle_configuration.this: the index does not match aws_s3_bucket_lifecycle_configuration.this's count/for_each".to_string(),
        ]
    );
}

// ------------------------------------------------------------------ bucket ACLs

/// The ACL rule: every S3 bucket a parent module creates (itself or through an internal
/// module) disables ACLs — an `aws_s3_bucket_ownership_controls` of the same module whose
/// `bucket` references it has `object_ownership = "BucketOwnerEnforced"` — and every expected
/// resource that identifies the bucket (by the inputs that receive it, as in the coverage rule)
/// lists `s3.acl_disabled`, so the qualification proves what the module sets.
fn acl_problems(parent: &Module, qual: &Module, internals: &[(String, Module)]) -> Vec<String> {
    let mut problems = Vec::new();
    let decls = declarations(qual);
    let inputs: Vec<(&str, &Expression)> = parent
        .qualification_call()
        .map(|c| c.body().attributes().map(|a| (a.key(), a.expr())).collect())
        .unwrap_or_default();
    let receiving = |prefix: &[&str]| -> BTreeSet<String> {
        inputs
            .iter()
            .filter(|(_, e)| refers_to(e, prefix))
            .map(|(k, _)| k.to_string())
            .collect()
    };
    let mut modules: Vec<(Option<&str>, &Module)> = vec![(None, parent)];
    modules.extend(internals.iter().map(|(c, m)| (Some(c.as_str()), m)));
    for (call, m) in modules {
        let at = call.map(|c| format!("module.{c}: ")).unwrap_or_default();
        for (ty, name, _) in m.resources() {
            if ty != "aws_s3_bucket" {
                continue;
            }
            let enforced = m.resources().into_iter().any(|(t, _, b)| {
                t == "aws_s3_bucket_ownership_controls"
                    && attr(b.body(), "bucket").is_some_and(|e| refers_to(e, &[ty, name]))
                    && b.body().blocks().any(|r| {
                        r.identifier() == "rule"
                            && attr(r.body(), "object_ownership")
                                .and_then(literal)
                                .as_deref()
                                == Some("BucketOwnerEnforced")
                    })
            });
            if !enforced {
                problems.push(format!(
                    "{at}{ty}.{name}: no aws_s3_bucket_ownership_controls with object_ownership = \"BucketOwnerEnforced\""
                ));
            }
            let vars = match call {
                None => receiving(&[ty, name]),
                Some(c) => m
                    .outputs()
                    .into_iter()
                    .filter(|(_, b)| {
                        attr(b.body(), "value").is_some_and(|e| refers_to(e, &[ty, name]))
                    })
                    .flat_map(|(o, _)| receiving(&["module", c, o]))
                    .collect(),
            };
            let identifying: Vec<&Declaration> = decls
                .iter()
                .filter(|d| d.cfn_type.as_deref() == Some("AWS::S3::Bucket"))
                .filter(|d| d.identifier_vars.iter().any(|v| vars.contains(v)))
                .collect();
            for d in &identifying {
                if !d.checks.iter().any(|c| c == "s3.acl_disabled") {
                    problems.push(format!(
                        "{at}{ty}.{name}: expected resource `{}` does not list s3.acl_disabled",
                        d.key
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn modules_buckets_disable_acls_and_their_qualification_checks_it() {
    let mut problems = Vec::new();
    let mut buckets = 0;
    for parent in parent_modules() {
        let m = Module::load(&parent).unwrap();
        let q = Module::load(&parent.join("qualification")).unwrap();
        let internals = internal_calls(&m);
        buckets += m
            .resources()
            .into_iter()
            .chain(internals.iter().flat_map(|(_, c)| c.resources()))
            .filter(|(t, _, _)| *t == "aws_s3_bucket")
            .count();
        problems.extend(
            acl_problems(&m, &q, &internals)
                .into_iter()
                .map(|p| format!("{}: {p}", m.name())),
        );
    }
    fail_if_any(problems);
    // evidence-store, audit-trail and config-baseline: a record and an access-log bucket each.
    assert_eq!(buckets, 6, "buckets created by the modules");
}

#[test]
fn acl_rule_reports_missing_ownership_controls_and_check() {
    let parent = inline(
        "p",
        "resource \"aws_s3_bucket\" \"data\" { bucket = \"d\" }\nresource \"aws_s3_bucket\" \"logs\" { bucket = \"l\" }\nresource \"aws_s3_bucket_ownership_controls\" \"data\" {\n  bucket = aws_s3_bucket.data.id\n  rule {\n    object_ownership = \"BucketOwnerEnforced\"\n  }\n}\nresource \"aws_s3_bucket_ownership_controls\" \"logs\" {\n  bucket = aws_s3_bucket.logs.id\n  rule {\n    object_ownership = \"BucketOwnerPreferred\"\n  }\n}\nmodule \"qualification\" {\n  source      = \"./qualification\"\n  bucket_name = aws_s3_bucket.data.id\n  log_bucket  = aws_s3_bucket.logs.id\n}\n",
    );
    let q = "resource \"gxp_expected_spec\" \"this\" {\n  expected_resource {\n    key        = \"data\"\n    type       = \"AWS::S3::Bucket\"\n    identifier = var.bucket_name\n    checks     = [\"s3.versioning\"]\n  }\n  expected_resource {\n    key        = \"logs\"\n    type       = \"AWS::S3::Bucket\"\n    identifier = var.log_bucket\n    checks     = [\"s3.acl_disabled\"]\n  }\n}\n";
    assert_eq!(
        acl_problems(&parent, &inline("q", q), &[]),
        vec![
            "aws_s3_bucket.data: expected resource `data` does not list s3.acl_disabled".to_string(),
            "aws_s3_bucket.logs: no aws_s3_bucket_ownership_controls with object_ownership = \"BucketOwnerEnforced\"".to_string(),
        ]
    );
    // Through an internal module: the bucket reaches the submodule through an output.
    let parent = inline(
        "p",
        "module \"bucket\" {\n  source = \"../_internal/hardened-bucket\"\n}\nmodule \"qualification\" {\n  source      = \"./qualification\"\n  bucket_name = module.bucket.bucket_name\n}\n",
    );
    let child = inline(
        "c",
        "resource \"aws_s3_bucket\" \"this\" { bucket = \"b\" }\noutput \"bucket_name\" {\n  value = aws_s3_bucket.this.bucket\n}\n",
    );
    assert_eq!(
        acl_problems(&parent, &inline("q", q), &[("bucket".to_string(), child)]),
        vec![
            "module.bucket: aws_s3_bucket.this: no aws_s3_bucket_ownership_controls with object_ownership = \"BucketOwnerEnforced\"".to_string(),
            "module.bucket: aws_s3_bucket.this: expected resource `data` does not list s3.acl_disabled".to_string(),
        ]
    );
}
