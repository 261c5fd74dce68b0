//! Constructors for [`FieldError`] that word messages as `field.Invalid`, `field.Required`,
//! `field.NotSupported`, `field.Forbidden` and `field.Duplicate` do
//! (`staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go`, `ErrorBody`).

use super::render::{go_json_string, go_quote};
use super::FieldError;
use crate::manifest::path::FieldPath;

/// A bad value, kept in the form Go would print it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum BadValue {
    /// A Go `string`, printed with `%q`.
    Str(String),
    /// A Go typed string (`core.TaintEffect`, `core.TolerationOperator`, ...), which
    /// `ErrorBody` does not recognise as `string` and prints as JSON.
    TypedStr(String),
    /// A Go integer, printed with `%v`.
    Int(i64),
    /// Any other value, already rendered as Go's `encoding/json` would render it.
    Json(String),
}

impl BadValue {
    /// A plain Go string.
    pub(super) fn str(s: &str) -> Self {
        Self::Str(s.to_owned())
    }

    /// A Go typed string such as an operator or an effect.
    pub(super) fn typed(s: &str) -> Self {
        Self::TypedStr(s.to_owned())
    }

    fn render(&self) -> String {
        match self {
            Self::Str(s) => go_quote(s),
            Self::TypedStr(s) => go_json_string(s),
            Self::Int(i) => i.to_string(),
            Self::Json(j) => j.clone(),
        }
    }
}

fn with_detail(head: String, detail: &str) -> String {
    if detail.is_empty() {
        head
    } else {
        format!("{head}: {detail}")
    }
}

/// `field.Invalid`: `Invalid value: <value>: <detail>`.
/// `ValidateNonnegativeField`: `Invalid value: N: must be greater than or equal to 0`.
pub(super) fn non_negative(path: FieldPath, value: i64) -> Option<FieldError> {
    (value < 0).then(|| {
        invalid(
            path,
            BadValue::Int(value),
            "must be greater than or equal to 0",
        )
    })
}

pub(super) fn invalid(path: FieldPath, value: BadValue, detail: &str) -> FieldError {
    FieldError {
        path,
        message: with_detail(format!("Invalid value: {}", value.render()), detail),
    }
}

/// `field.Required`: `Required value` or `Required value: <detail>`.
pub(super) fn required(path: FieldPath, detail: &str) -> FieldError {
    FieldError {
        path,
        message: with_detail("Required value".to_owned(), detail),
    }
}

/// `field.Forbidden`: `Forbidden: <detail>`.
pub(super) fn forbidden(path: FieldPath, detail: &str) -> FieldError {
    FieldError {
        path,
        message: with_detail("Forbidden".to_owned(), detail),
    }
}

/// `field.NotSupported`: `Unsupported value: <value>: supported values: "a", "b"`.
pub(super) fn not_supported(path: FieldPath, value: BadValue, valid: &[&str]) -> FieldError {
    let detail = if valid.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = valid.iter().map(|v| go_quote(v)).collect();
        format!("supported values: {}", quoted.join(", "))
    };
    FieldError {
        path,
        message: with_detail(format!("Unsupported value: {}", value.render()), &detail),
    }
}

/// `field.Duplicate` with its `Detail` set: `Duplicate value: <value>: <detail>`.
pub(super) fn duplicate(path: FieldPath, value: BadValue, detail: &str) -> FieldError {
    FieldError {
        path,
        message: with_detail(format!("Duplicate value: {}", value.render()), detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_like_error_body() {
        let p = FieldPath::keys(&["spec", "x"]);
        assert_eq!(
            invalid(p.clone(), BadValue::str("a b"), "bad").message,
            r#"Invalid value: "a b": bad"#
        );
        assert_eq!(
            invalid(
                p.clone(),
                BadValue::Int(-1),
                "must be greater than or equal to 0"
            )
            .message,
            "Invalid value: -1: must be greater than or equal to 0"
        );
        assert_eq!(required(p.clone(), "").message, "Required value");
        assert_eq!(
            required(p.clone(), "cannot be 0 when maxSurge is 0").message,
            "Required value: cannot be 0 when maxSurge is 0"
        );
        assert_eq!(forbidden(p.clone(), "no").message, "Forbidden: no");
        assert_eq!(
            not_supported(
                p.clone(),
                BadValue::typed("NoSchedul"),
                &["NoSchedule", "NoExecute"]
            )
            .message,
            r#"Unsupported value: "NoSchedul": supported values: "NoSchedule", "NoExecute""#
        );
        assert_eq!(
            duplicate(p, BadValue::Json("{}".into()), "dup").message,
            "Duplicate value: {}: dup"
        );
    }
}
