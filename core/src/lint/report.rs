//! The lint result: stable JSON (camelCase) and a readable, kubectl-style text.

use crate::manifest::Diagnostic;
use serde::Serialize;
use std::fmt::Write as _;

/// A Pod Security Standards level, from the least to the most restrictive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    /// Unrestricted: the pod fails some Baseline control.
    Privileged,
    /// Passes every Baseline control, fails some Restricted control.
    Baseline,
    /// Passes every control.
    Restricted,
}

impl Level {
    /// The level's name as Pod Security Admission spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Privileged => "privileged",
            Self::Baseline => "baseline",
            Self::Restricted => "restricted",
        }
    }

    /// `ParseLevel`: one of the three names.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "privileged" => Some(Self::Privileged),
            "baseline" => Some(Self::Baseline),
            "restricted" => Some(Self::Restricted),
            _ => None,
        }
    }
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// The object does not work as written (the exit code is 1).
    Error,
    /// A real risk or a surprise in operation.
    Warning,
    /// Worth knowing; often a deliberate choice.
    Info,
}

impl Severity {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// One problem found in one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable identifier, e.g. `HostNamespaces` (see `docs/lint.md`).
    pub code: &'static str,
    /// Error, warning or info.
    pub severity: Severity,
    /// The field it is about, e.g. `spec.template.spec.hostNetwork`.
    pub path: String,
    /// What is wrong and why, in Kubernetes' words where it has them.
    pub message: String,
    /// A concrete change that resolves it.
    pub fix: String,
}

/// The findings about one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LintedObject {
    /// `DaemonSet` or `Pod`.
    pub kind: &'static str,
    /// Namespace (`default` when the manifest has none).
    pub namespace: String,
    /// Name.
    pub name: String,
    /// The most restrictive Pod Security Standards level the pods satisfy.
    pub pod_security: Level,
    /// Errors first, then warnings, then info; within each, in the order of the checks.
    pub findings: Vec<Finding>,
}

/// The lint of every DaemonSet and standalone Pod in the input, in input order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LintReport {
    /// One entry per object.
    pub objects: Vec<LintedObject>,
    /// Problems from reading the input (skipped kinds and the like); not part of the JSON.
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
}

impl LintReport {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.objects
            .iter()
            .flat_map(|o| &o.findings)
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Per object a heading with its Pod Security level, then each finding: severity,
    /// code and path on one line, the message and the fix indented below; a total last.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (i, object) in self.objects.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let _ = writeln!(
                out,
                "{} {}/{}: pod security level {}",
                object.kind,
                object.namespace,
                object.name,
                object.pod_security.as_str()
            );
            if object.findings.is_empty() {
                let _ = writeln!(out, "  no findings");
            }
            for finding in &object.findings {
                let _ = writeln!(
                    out,
                    "  {:<8} {}  {}",
                    finding.severity.as_str(),
                    finding.code,
                    finding.path
                );
                let _ = writeln!(out, "           {}", finding.message);
                let _ = writeln!(out, "           fix: {}", finding.fix);
            }
        }
        let _ = writeln!(
            out,
            "{}{} object(s): {} error(s), {} warning(s), {} info",
            if self.objects.is_empty() { "" } else { "\n" },
            self.objects.len(),
            self.count(Severity::Error),
            self.count(Severity::Warning),
            self.count(Severity::Info)
        );
        for warning in &self.warnings {
            let _ = writeln!(out, "warning: {warning}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> LintReport {
        LintReport {
            objects: vec![LintedObject {
                kind: "DaemonSet",
                namespace: "default".into(),
                name: "agent".into(),
                pod_security: Level::Baseline,
                findings: vec![Finding {
                    code: "RunAsNonRoot",
                    severity: Severity::Info,
                    path: "spec.template.spec.securityContext.runAsNonRoot".into(),
                    message: "runAsNonRoot != true (pod or container \"a\" must set securityContext.runAsNonRoot=true)".into(),
                    fix: "set runAsNonRoot: true".into(),
                }],
            }],
            warnings: Vec::new(),
        }
    }

    #[test]
    fn json_keys_follow_the_contract() {
        let json: serde_json::Value = serde_json::from_str(&report().to_json()).unwrap_or_default();
        let object = &json["objects"][0];
        let mut keys: Vec<&str> = object
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["findings", "kind", "name", "namespace", "podSecurity"]
        );
        assert_eq!(object["podSecurity"], "baseline");
        assert_eq!(object["findings"][0]["severity"], "info");
    }

    #[test]
    fn text_has_a_heading_a_finding_and_a_total() {
        let text = report().to_text();
        assert!(text.starts_with("DaemonSet default/agent: pod security level baseline\n"));
        assert!(text.contains(
            "  info     RunAsNonRoot  spec.template.spec.securityContext.runAsNonRoot\n"
        ));
        assert!(text.ends_with("1 object(s): 0 error(s), 0 warning(s), 1 info\n"));
    }
}
