//! Integer-or-percent fields (`maxUnavailable`, `maxSurge`): `ValidatePositiveIntOrPercent`,
//! `IsNotMoreThan100Percent` and `getIntOrPercentValue` from
//! `pkg/apis/apps/validation/validation.go`, and `IsValidPercent` from
//! `staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go`.

use super::errors::{invalid, non_negative, BadValue};
use super::labels::regex_error;
use super::render::go_json_int_or_string;
use super::FieldError;
use crate::manifest::path::FieldPath;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

const PERCENT_FMT: &str = "[0-9]+%";
const PERCENT_ERR_MSG: &str =
    "a valid percent string must be a numeric string followed by an ending '%'";

/// `^[0-9]+%$`.
fn matches_percent(s: &str) -> bool {
    s.strip_suffix('%')
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// `IsValidPercent`.
pub(super) fn is_valid_percent(s: &str) -> Vec<String> {
    if matches_percent(s) {
        Vec::new()
    } else {
        vec![regex_error(PERCENT_ERR_MSG, PERCENT_FMT, &["1%", "93%"])]
    }
}

/// `strconv.Atoi` with its error ignored, as `IntOrString.IntValue` and
/// `getPercentValue` use it: 0 for a syntax error, the clamped value on overflow.
fn atoi_ignoring_error(s: &str) -> i64 {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let mut value: i64 = 0;
    for b in digits.bytes() {
        let digit = i64::from(b - b'0');
        let next = value.checked_mul(10).and_then(|v| {
            if negative {
                v.checked_sub(digit)
            } else {
                v.checked_add(digit)
            }
        });
        match next {
            Some(v) => value = v,
            None => return if negative { i64::MIN } else { i64::MAX },
        }
    }
    value
}

/// `getPercentValue`: the number before `%` when the value is a valid percent string.
fn percent_value(value: &IntOrString) -> Option<i64> {
    match value {
        IntOrString::String(s) if matches_percent(s) => {
            Some(atoi_ignoring_error(&s[..s.len() - 1]))
        }
        _ => None,
    }
}

/// `getIntOrPercentValue`: the percent number, else `IntValue()` (0 for strings that
/// are not numbers).
pub(super) fn int_or_percent_value(value: &IntOrString) -> i64 {
    if let Some(percent) = percent_value(value) {
        return percent;
    }
    match value {
        IntOrString::Int(i) => i64::from(*i),
        IntOrString::String(s) => atoi_ignoring_error(s),
    }
}

/// `ValidatePositiveIntOrPercent`: an integer `>= 0`, or a percent string.
pub(super) fn validate_positive_int_or_percent(
    value: &IntOrString,
    path: &FieldPath,
) -> Vec<FieldError> {
    match value {
        IntOrString::String(s) => is_valid_percent(s)
            .into_iter()
            .map(|msg| {
                invalid(
                    path.clone(),
                    BadValue::Json(go_json_int_or_string(value)),
                    &msg,
                )
            })
            .collect(),
        IntOrString::Int(i) => non_negative(path.clone(), i64::from(*i))
            .into_iter()
            .collect(),
    }
}

/// `IsNotMoreThan100Percent`: a percent string may not exceed `100%`.
pub(super) fn is_not_more_than_100_percent(
    value: &IntOrString,
    path: &FieldPath,
) -> Vec<FieldError> {
    match percent_value(value) {
        Some(percent) if percent > 100 => vec![invalid(
            path.clone(),
            BadValue::Json(go_json_int_or_string(value)),
            "must not be greater than 100%",
        )],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> FieldPath {
        FieldPath::keys(&["spec", "updateStrategy", "rollingUpdate", "maxSurge"])
    }

    fn messages(errs: Vec<FieldError>) -> Vec<String> {
        errs.into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn percent_strings() {
        assert!(is_valid_percent("25%").is_empty());
        assert!(is_valid_percent("0%").is_empty());
        for bad in ["%", "25", "2.5%", "-5%", " 5%", "5 %"] {
            assert_eq!(is_valid_percent(bad).len(), 1, "{bad}");
        }
    }

    #[test]
    fn int_or_percent_syntax() {
        assert!(validate_positive_int_or_percent(&IntOrString::Int(0), &path()).is_empty());
        assert!(
            validate_positive_int_or_percent(&IntOrString::String("10%".into()), &path())
                .is_empty()
        );
        assert_eq!(
            messages(validate_positive_int_or_percent(
                &IntOrString::Int(-1),
                &path()
            )),
            vec!["Invalid value: -1: must be greater than or equal to 0"]
        );
        assert_eq!(
            messages(validate_positive_int_or_percent(
                &IntOrString::String("ten".into()),
                &path()
            )),
            vec!["Invalid value: \"ten\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]
        );
    }

    #[test]
    fn at_most_100_percent() {
        assert!(
            is_not_more_than_100_percent(&IntOrString::String("100%".into()), &path()).is_empty()
        );
        assert!(is_not_more_than_100_percent(&IntOrString::Int(500), &path()).is_empty());
        assert_eq!(
            messages(is_not_more_than_100_percent(
                &IntOrString::String("101%".into()),
                &path()
            )),
            vec!["Invalid value: \"101%\": must not be greater than 100%"]
        );
        assert_eq!(
            is_not_more_than_100_percent(
                &IntOrString::String("99999999999999999999%".into()),
                &path()
            )
            .len(),
            1
        );
    }

    #[test]
    fn values_as_the_controller_reads_them() {
        assert_eq!(int_or_percent_value(&IntOrString::String("30%".into())), 30);
        assert_eq!(int_or_percent_value(&IntOrString::Int(2)), 2);
        assert_eq!(int_or_percent_value(&IntOrString::String("7".into())), 7);
        assert_eq!(int_or_percent_value(&IntOrString::String("x".into())), 0);
    }
}
