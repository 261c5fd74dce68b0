//! The pod's required node selection, as `nodeaffinity.GetRequiredNodeAffinity` builds it:
//! `nodeSelector` AND required node affinity, whose `nodeSelectorTerms` are ORed and whose
//! `matchExpressions`/`matchFields` within a term are ANDed. Compiled once per DaemonSet.

use k8s_openapi::api::core::v1::{NodeSelectorRequirement, NodeSelectorTerm, PodSpec};
use std::collections::BTreeMap;
use std::fmt;

/// A label requirement's operator, with its values already checked and parsed.
#[derive(Debug, Clone)]
enum LabelOp {
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    DoesNotExist,
    Gt(i64),
    Lt(i64),
}

#[derive(Debug, Clone)]
struct LabelRequirement {
    key: String,
    op: LabelOp,
    /// As written, for reasons: `zone In [a, b]`.
    described: String,
}

/// `metadata.name In [x]` or `NotIn [x]`: the only field selectors nodes have.
#[derive(Debug, Clone)]
enum FieldRequirement {
    NameIn(String),
    NameNotIn(String),
}

#[derive(Debug, Clone)]
enum Term {
    /// A term with requirements that all parsed.
    Valid {
        labels: Vec<LabelRequirement>,
        fields: Vec<FieldRequirement>,
    },
    /// A term with neither expressions nor fields: skipped, never matches.
    Empty,
    /// A term with a requirement that does not parse: never matches.
    Invalid(String),
}

/// The compiled required node selection of a pod template.
#[derive(Debug, Clone, Default)]
pub struct RequiredNodeSelection {
    node_selector: Vec<(String, String)>,
    terms: Option<Vec<Term>>,
}

impl RequiredNodeSelection {
    /// Compiles `nodeSelector` and
    /// `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution` of `spec`.
    pub fn new(spec: &PodSpec) -> Self {
        let node_selector = spec
            .node_selector
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let terms = spec
            .affinity
            .as_ref()
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|na| {
                na.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })
            .map(|selector| {
                selector
                    .node_selector_terms
                    .iter()
                    .map(compile_term)
                    .collect()
            });
        Self {
            node_selector,
            terms,
        }
    }

    /// Whether a node with this name and these labels matches; otherwise why not (its
    /// `Display` names the label, value or term that decided).
    pub fn check<'a>(
        &'a self,
        node_name: &'a str,
        labels: &'a BTreeMap<String, String>,
    ) -> Result<(), Mismatch<'a>> {
        for (key, want) in &self.node_selector {
            let have = labels.get(key).map(String::as_str);
            if have != Some(want.as_str()) {
                return Err(Mismatch::NodeSelector { key, want, have });
            }
        }
        let Some(terms) = &self.terms else {
            return Ok(());
        };
        let mut failures = Vec::with_capacity(terms.len());
        for term in terms {
            match term_matches(term, node_name, labels) {
                Ok(()) => return Ok(()),
                Err(why) => failures.push(why),
            }
        }
        Err(Mismatch::Affinity(failures))
    }
}

/// Why a node does not match the required node selection. Borrowed, so that checking many
/// nodes costs no allocation until the reason is written out.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Mismatch<'a> {
    /// A `nodeSelector` entry the node lacks or has another value for.
    NodeSelector {
        /// The label key.
        key: &'a str,
        /// The value required.
        want: &'a str,
        /// The node's value, if it has the label.
        have: Option<&'a str>,
    },
    /// Every required node affinity term failed, each for this reason.
    Affinity(Vec<TermMiss<'a>>),
}

/// Why one node selector term does not match.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TermMiss<'a> {
    /// The term has no requirements and matches nothing.
    Empty,
    /// A requirement of the term does not parse.
    Invalid(&'a str),
    /// A label requirement (described as written) fails; the node's value of its key.
    Label(&'a str, &'a str, Option<&'a str>),
    /// `metadata.name In [name]` on another node.
    NameIn(&'a str, &'a str),
    /// `metadata.name NotIn [name]` on that node.
    NameNotIn(&'a str),
}

impl fmt::Display for Mismatch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NodeSelector {
                key,
                want,
                have: Some(have),
            } => {
                write!(
                    f,
                    "nodeSelector requires {key}={want}, but the node has {key}={have}"
                )
            }
            Self::NodeSelector {
                key,
                want,
                have: None,
            } => {
                write!(
                    f,
                    "nodeSelector requires {key}={want}, but the node has no label {key}"
                )
            }
            Self::Affinity(terms) if terms.is_empty() => {
                f.write_str("required node affinity does not match: there are no nodeSelectorTerms")
            }
            Self::Affinity(terms) => {
                f.write_str("required node affinity does not match: ")?;
                for (i, term) in terms.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "nodeSelectorTerms[{i}]: ")?;
                    match term {
                        TermMiss::Empty => f.write_str(
                            "the term is empty (no matchExpressions or matchFields) and matches nothing",
                        )?,
                        TermMiss::Invalid(why) => f.write_str(why)?,
                        TermMiss::Label(described, key, Some(have)) => {
                            write!(f, "{described}, but the node has {key}={have}")?;
                        }
                        TermMiss::Label(described, key, None) => {
                            write!(f, "{described}, but the node has no label {key}")?;
                        }
                        TermMiss::NameIn(name, node) => {
                            write!(f, "metadata.name In [{name}], but the node is {node}")?;
                        }
                        TermMiss::NameNotIn(name) => write!(f, "metadata.name NotIn [{name}]")?,
                    }
                }
                Ok(())
            }
        }
    }
}

fn compile_term(term: &NodeSelectorTerm) -> Term {
    let expressions = term.match_expressions.as_deref().unwrap_or_default();
    let fields = term.match_fields.as_deref().unwrap_or_default();
    if expressions.is_empty() && fields.is_empty() {
        return Term::Empty;
    }
    let labels = match expressions
        .iter()
        .map(compile_label_requirement)
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(labels) => labels,
        Err(why) => return Term::Invalid(why),
    };
    let fields = match fields
        .iter()
        .map(compile_field_requirement)
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(fields) => fields,
        Err(why) => return Term::Invalid(why),
    };
    Term::Valid { labels, fields }
}

fn compile_label_requirement(req: &NodeSelectorRequirement) -> Result<LabelRequirement, String> {
    let values = req.values.clone().unwrap_or_default();
    let key = req.key.clone();
    let single_int = |values: &[String]| -> Result<i64, String> {
        match values {
            [one] => one.parse::<i64>().map_err(|_| {
                format!(
                    "{key} {}: value {one:?} is not an integer, so the term never matches",
                    req.operator
                )
            }),
            _ => Err(format!(
                "{key} {}: needs exactly one value, so the term never matches",
                req.operator
            )),
        }
    };
    let op = match req.operator.as_str() {
        "In" | "NotIn" if values.is_empty() => {
            return Err(format!(
                "{key} {}: needs at least one value, so the term never matches",
                req.operator
            ))
        }
        "In" => LabelOp::In(values),
        "NotIn" => LabelOp::NotIn(values),
        "Exists" | "DoesNotExist" if !values.is_empty() => {
            return Err(format!(
                "{key} {}: takes no values, so the term never matches",
                req.operator
            ))
        }
        "Exists" => LabelOp::Exists,
        "DoesNotExist" => LabelOp::DoesNotExist,
        "Gt" => LabelOp::Gt(single_int(&values)?),
        "Lt" => LabelOp::Lt(single_int(&values)?),
        other => {
            return Err(format!(
                "{key}: {other:?} is not a valid operator, so the term never matches"
            ))
        }
    };
    let described = match &op {
        LabelOp::In(values) => format!("{key} In [{}]", values.join(", ")),
        LabelOp::NotIn(values) => format!("{key} NotIn [{}]", values.join(", ")),
        LabelOp::Exists => format!("{key} Exists"),
        LabelOp::DoesNotExist => format!("{key} DoesNotExist"),
        LabelOp::Gt(limit) => format!("{key} Gt {limit}"),
        LabelOp::Lt(limit) => format!("{key} Lt {limit}"),
    };
    Ok(LabelRequirement { key, op, described })
}

fn compile_field_requirement(req: &NodeSelectorRequirement) -> Result<FieldRequirement, String> {
    if req.key != "metadata.name" {
        return Err(format!(
            "matchFields key {:?} is not supported (only metadata.name), so the term never matches",
            req.key
        ));
    }
    let values = req.values.as_deref().unwrap_or_default();
    let [value] = values else {
        return Err(format!(
            "matchFields metadata.name {}: needs exactly one value, so the term never matches",
            req.operator
        ));
    };
    match req.operator.as_str() {
        "In" => Ok(FieldRequirement::NameIn(value.clone())),
        "NotIn" => Ok(FieldRequirement::NameNotIn(value.clone())),
        other => Err(format!(
            "matchFields operator {other:?} is not supported (only In and NotIn), so the term never matches"
        )),
    }
}

fn term_matches<'a>(
    term: &'a Term,
    node_name: &'a str,
    labels: &'a BTreeMap<String, String>,
) -> Result<(), TermMiss<'a>> {
    match term {
        Term::Empty => Err(TermMiss::Empty),
        Term::Invalid(why) => Err(TermMiss::Invalid(why)),
        Term::Valid {
            labels: reqs,
            fields,
        } => {
            for req in reqs {
                let have = labels.get(&req.key).map(String::as_str);
                if !label_matches(&req.op, have) {
                    return Err(TermMiss::Label(&req.described, &req.key, have));
                }
            }
            for field in fields {
                match field {
                    FieldRequirement::NameIn(name) if name != node_name => {
                        return Err(TermMiss::NameIn(name, node_name))
                    }
                    FieldRequirement::NameNotIn(name) if name == node_name => {
                        return Err(TermMiss::NameNotIn(name))
                    }
                    _ => {}
                }
            }
            Ok(())
        }
    }
}

fn label_matches(op: &LabelOp, have: Option<&str>) -> bool {
    match op {
        LabelOp::In(values) => have.is_some_and(|v| values.iter().any(|x| x == v)),
        LabelOp::NotIn(values) => !have.is_some_and(|v| values.iter().any(|x| x == v)),
        LabelOp::Exists => have.is_some(),
        LabelOp::DoesNotExist => have.is_none(),
        LabelOp::Gt(limit) => have
            .and_then(|v| v.parse::<i64>().ok())
            .is_some_and(|v| v > *limit),
        LabelOp::Lt(limit) => have
            .and_then(|v| v.parse::<i64>().ok())
            .is_some_and(|v| v < *limit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> PodSpec {
        serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("bad test spec: {e}"))
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn affinity(exprs: &str) -> RequiredNodeSelection {
        RequiredNodeSelection::new(&spec(&format!(
            "containers: []\naffinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n{exprs}"
        )))
    }

    /// Operator semantics from `TestRequirementMatches`-style cases
    /// (staging/src/k8s.io/apimachinery/pkg/labels/selector_test.go) and
    /// `TestNodeSelectorRequirementsAsSelector`.
    #[test]
    fn operators_match_like_kubernetes() {
        let node = labels(&[("zone", "a"), ("gen", "05"), ("empty", "")]);
        let cases = [
            (
                "zone In [a, b]",
                "key: zone\n          operator: In\n          values: [a, b]",
                true,
            ),
            (
                "zone In [c]",
                "key: zone\n          operator: In\n          values: [c]",
                false,
            ),
            (
                "missing NotIn",
                "key: other\n          operator: NotIn\n          values: [x]",
                true,
            ),
            (
                "zone NotIn [a]",
                "key: zone\n          operator: NotIn\n          values: [a]",
                false,
            ),
            (
                "empty Exists",
                "key: empty\n          operator: Exists",
                true,
            ),
            (
                "empty DoesNotExist",
                "key: empty\n          operator: DoesNotExist",
                false,
            ),
            (
                "gen Gt 4 (leading zero)",
                "key: gen\n          operator: Gt\n          values: ['4']",
                true,
            ),
            (
                "gen Gt 5 is strict",
                "key: gen\n          operator: Gt\n          values: ['5']",
                false,
            ),
            (
                "gen Lt 6",
                "key: gen\n          operator: Lt\n          values: ['6']",
                true,
            ),
            (
                "zone Gt 1: not an integer",
                "key: zone\n          operator: Gt\n          values: ['1']",
                false,
            ),
            (
                "missing Lt",
                "key: other\n          operator: Lt\n          values: ['1']",
                false,
            ),
            (
                "Gt with two values never matches",
                "key: gen\n          operator: Gt\n          values: ['1', '2']",
                false,
            ),
            (
                "Exists with values never matches",
                "key: zone\n          operator: Exists\n          values: [a]",
                false,
            ),
        ];
        for (name, expr, want) in cases {
            let sel = affinity(&format!("      - matchExpressions:\n        - {expr}\n"));
            assert_eq!(sel.check("n1", &node).is_ok(), want, "{name}");
        }
    }

    #[test]
    fn terms_are_ored_and_empty_terms_never_match() {
        let node = labels(&[("zone", "a")]);
        let sel = affinity("      - matchExpressions:\n        - {key: zone, operator: In, values: [b]}\n      - matchExpressions:\n        - {key: zone, operator: In, values: [a]}\n");
        assert!(sel.check("n1", &node).is_ok());
        let empty = affinity("      - {}\n");
        assert!(empty.check("n1", &node).is_err());
        let fields = affinity(
            "      - matchFields:\n        - {key: metadata.name, operator: In, values: [n1]}\n",
        );
        assert!(fields.check("n1", &node).is_ok());
        assert!(fields.check("n2", &node).is_err());
    }

    #[test]
    fn node_selector_and_affinity_must_both_match() {
        let mut s = spec("containers: []\nnodeSelector: {disk: ssd}\naffinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n      - matchExpressions: [{key: zone, operator: Exists}]\n");
        let sel = RequiredNodeSelection::new(&s);
        assert!(sel
            .check("n", &labels(&[("disk", "ssd"), ("zone", "a")]))
            .is_ok());
        assert_eq!(
            sel.check("n", &labels(&[("zone", "a")]))
                .map_err(|m| m.to_string()),
            Err("nodeSelector requires disk=ssd, but the node has no label disk".to_owned())
        );
        assert!(sel.check("n", &labels(&[("disk", "ssd")])).is_err());
        s.affinity = None;
        assert!(RequiredNodeSelection::new(&s)
            .check("n", &labels(&[("disk", "ssd")]))
            .is_ok());
    }
}
