//! Labels as kubectl reads and writes them: `-l` selectors (`labels.Parse` in
//! `staging/src/k8s.io/apimachinery/pkg/labels/selector.go`), `labels.FormatLabels` for maps
//! and `LabelSelectorAsSelector(...).String()` for a `LabelSelector`.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use std::collections::BTreeMap;

/// One requirement of a `-l` selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// `key=value` or `key==value`.
    Equals(String, String),
    /// `key!=value` (also true when the key is absent).
    NotEquals(String, String),
    /// `key in (a,b)`.
    In(String, Vec<String>),
    /// `key notin (a,b)` (also true when the key is absent).
    NotIn(String, Vec<String>),
    /// `key`.
    Exists(String),
    /// `!key`.
    DoesNotExist(String),
}

impl Requirement {
    /// Whether `labels` satisfy this requirement.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self {
            Self::Equals(k, v) => labels.get(k) == Some(v),
            Self::NotEquals(k, v) => labels.get(k) != Some(v),
            Self::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Self::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            Self::Exists(k) => labels.contains_key(k),
            Self::DoesNotExist(k) => !labels.contains_key(k),
        }
    }
}

/// Whether `labels` satisfy every requirement.
pub fn matches(requirements: &[Requirement], labels: Option<&BTreeMap<String, String>>) -> bool {
    let empty = BTreeMap::new();
    let labels = labels.unwrap_or(&empty);
    requirements.iter().all(|r| r.matches(labels))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    Not,
    Equals,
    DoubleEquals,
    NotEquals,
    Open,
    Close,
    Comma,
    In,
    NotIn,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Self::Ident(s) => s.clone(),
            Self::Not => "!".into(),
            Self::Equals => "=".into(),
            Self::DoubleEquals => "==".into(),
            Self::NotEquals => "!=".into(),
            Self::Open => "(".into(),
            Self::Close => ")".into(),
            Self::Comma => ",".into(),
            Self::In => "in".into(),
            Self::NotIn => "notin".into(),
        }
    }
}

fn lex(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' => {
                chars.next();
            }
            '(' | ')' | ',' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    _ => Token::Comma,
                });
            }
            '!' => {
                chars.next();
                if chars.peek() == Some(&'=') {
                    chars.next();
                    tokens.push(Token::NotEquals);
                } else {
                    tokens.push(Token::Not);
                }
            }
            '=' => {
                chars.next();
                if chars.peek() == Some(&'=') {
                    chars.next();
                    tokens.push(Token::DoubleEquals);
                } else {
                    tokens.push(Token::Equals);
                }
            }
            _ => {
                let mut word = String::new();
                while let Some(&ch) = chars.peek() {
                    if matches!(ch, ' ' | '\t' | '(' | ')' | ',' | '!' | '=') {
                        break;
                    }
                    word.push(ch);
                    chars.next();
                }
                tokens.push(match word.as_str() {
                    "in" => Token::In,
                    "notin" => Token::NotIn,
                    _ => Token::Ident(word),
                });
            }
        }
    }
    tokens
}

/// Parses a `-l` selector.
///
/// # Errors
/// The parser's message, e.g. `found '=', expected: !, identifier, or 'end of string'`.
pub fn parse(text: &str) -> Result<Vec<Requirement>, String> {
    let tokens = lex(text);
    let mut at = 0;
    let mut out = Vec::new();
    let found = |t: Option<&Token>| t.map_or_else(|| "end of string".to_owned(), Token::describe);
    while at < tokens.len() {
        let requirement = match tokens.get(at) {
            Some(Token::Not) => {
                at += 1;
                match tokens.get(at) {
                    Some(Token::Ident(key)) => {
                        at += 1;
                        Requirement::DoesNotExist(key.clone())
                    }
                    other => return Err(format!("found '{}', expected: identifier", found(other))),
                }
            }
            Some(Token::Ident(key)) => {
                at += 1;
                match tokens.get(at) {
                    None | Some(Token::Comma) => Requirement::Exists(key.clone()),
                    Some(Token::Equals | Token::DoubleEquals | Token::NotEquals) => {
                        let negated = tokens.get(at) == Some(&Token::NotEquals);
                        at += 1;
                        let value = match tokens.get(at) {
                            Some(Token::Ident(v)) => {
                                at += 1;
                                v.clone()
                            }
                            None | Some(Token::Comma) => String::new(),
                            other => {
                                return Err(format!(
                                    "found '{}', expected: identifier",
                                    found(other)
                                ))
                            }
                        };
                        if negated {
                            Requirement::NotEquals(key.clone(), value)
                        } else {
                            Requirement::Equals(key.clone(), value)
                        }
                    }
                    Some(Token::In | Token::NotIn) => {
                        let negated = tokens.get(at) == Some(&Token::NotIn);
                        at += 1;
                        if tokens.get(at) != Some(&Token::Open) {
                            return Err(format!(
                                "found '{}', expected: '('",
                                found(tokens.get(at))
                            ));
                        }
                        at += 1;
                        let mut values = Vec::new();
                        loop {
                            match tokens.get(at) {
                                Some(Token::Ident(v)) => {
                                    values.push(v.clone());
                                    at += 1;
                                }
                                Some(Token::Comma) => at += 1,
                                Some(Token::Close) => {
                                    at += 1;
                                    break;
                                }
                                other => {
                                    return Err(format!(
                                        "found '{}', expected: ',', ')' or identifier",
                                        found(other)
                                    ))
                                }
                            }
                        }
                        if negated {
                            Requirement::NotIn(key.clone(), values)
                        } else {
                            Requirement::In(key.clone(), values)
                        }
                    }
                    other => {
                        return Err(format!(
                            "found '{}', expected: in, notin, =, ==, !=, gt, lt",
                            found(other)
                        ))
                    }
                }
            }
            other => {
                return Err(format!(
                    "found '{}', expected: !, identifier, or 'end of string'",
                    found(other)
                ))
            }
        };
        out.push(requirement);
        match tokens.get(at) {
            None => {}
            Some(Token::Comma) => {
                at += 1;
                if at == tokens.len() {
                    return Err(
                        "found 'end of string', expected: !, identifier, or 'end of string'"
                            .to_owned(),
                    );
                }
            }
            other => {
                return Err(format!(
                    "found '{}', expected: ',' or 'end of string'",
                    found(other)
                ))
            }
        }
    }
    Ok(out)
}

/// `labels.FormatLabels`: `k=v,k2=v2` sorted by key, `<none>` for none.
pub fn format_labels(labels: Option<&BTreeMap<String, String>>) -> String {
    match labels.filter(|l| !l.is_empty()) {
        None => "<none>".to_owned(),
        Some(labels) => labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// `metav1.LabelSelectorAsSelector(s).String()`: requirements sorted by key, `k=v`,
/// `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas; empty for an empty selector.
pub fn selector_string(selector: &LabelSelector) -> String {
    let mut parts: Vec<(String, String)> = Vec::new();
    for (k, v) in selector.match_labels.iter().flatten() {
        parts.push((k.clone(), format!("{k}={v}")));
    }
    for e in selector.match_expressions.iter().flatten() {
        let mut values: Vec<String> = e.values.clone().unwrap_or_default();
        crate::order::sort(&mut values);
        values.dedup();
        let text = match e.operator.as_str() {
            "In" => format!("{} in ({})", e.key, values.join(",")),
            "NotIn" => format!("{} notin ({})", e.key, values.join(",")),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            other => format!("{} {other} ({})", e.key, values.join(",")),
        };
        parts.push((e.key.clone(), text));
    }
    crate::order::sort_by(&mut parts, |a, b| a.0.cmp(&b.0));
    parts
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

/// `metav1.FormatLabelSelector`: [`selector_string`], `<none>` when empty.
pub fn format_label_selector(selector: &LabelSelector) -> String {
    let text = selector_string(selector);
    if text.is_empty() {
        "<none>".to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn selectors_parse_and_match() {
        let l = labels(&[("app", "web"), ("tier", "front")]);
        for (text, want) in [
            ("app=web", true),
            ("app==web,tier=front", true),
            ("app!=web", false),
            ("app in (web,api)", true),
            ("tier notin (front)", false),
            ("app", true),
            ("!missing", true),
            ("!app", false),
            ("missing!=x", true),
        ] {
            let r = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(matches(&r, Some(&l)), want, "{text}");
        }
        assert!(parse("=x").is_err());
        assert!(parse("app=web,").is_err());
        assert!(parse("app in web").is_err());
    }

    #[test]
    fn selectors_format_like_kubectl() {
        let s = LabelSelector {
            match_labels: Some(labels(&[("tier", "t"), ("app", "a")])),
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "env".into(),
                operator: "In".into(),
                values: Some(vec!["prod".into(), "dev".into()]),
            }]),
        };
        assert_eq!(selector_string(&s), "app=a,env in (dev,prod),tier=t");
        assert_eq!(format_label_selector(&LabelSelector::default()), "<none>");
        assert_eq!(format_labels(None), "<none>");
    }
}
