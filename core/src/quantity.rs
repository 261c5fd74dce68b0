//! Kubernetes resource quantities (`500m`, `1.5`, `4Gi`, `129e6`), as the scheduler reads
//! them: CPU in millicores and everything else in whole units, both rounded up.

/// Why a quantity string could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError {
    /// The text that was given.
    pub text: String,
}

impl std::fmt::Display for QuantityError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got {:?})",
            self.text
        )
    }
}

/// Upper bound of any parsed value, to keep arithmetic exact and finite.
const CAP: i128 = i128::MAX / 1_000_000;

/// Parses a quantity and returns its value scaled by `10^scale`, rounded up
/// (`scale` 3 gives millis, as `Quantity.MilliValue()`; 0 gives `Quantity.Value()`).
///
/// # Errors
/// When the text is not a Kubernetes quantity.
pub fn parse_scaled(text: &str, scale: u32) -> Result<i128, QuantityError> {
    let err = || QuantityError {
        text: text.to_owned(),
    };
    let s = text.trim();
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let number_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(number_end);
    if number.is_empty() || number == "." || number.matches('.').count() > 1 {
        return Err(err());
    }
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    // The value is digits * 10^exp10 * 2^exp2.
    let mut digits: i128 = 0;
    let mut significant = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        if digits == 0 && b == b'0' {
            continue;
        }
        significant += 1;
        if significant > 30 {
            return Err(err());
        }
        digits = digits * 10 + i128::from(b - b'0');
    }
    let mut exp10: i64 = -(fraction.len() as i64);
    let mut exp2: u32 = 0;
    match suffix {
        "" => {}
        "n" => exp10 -= 9,
        "u" => exp10 -= 6,
        "m" => exp10 -= 3,
        "k" => exp10 += 3,
        "M" => exp10 += 6,
        "G" => exp10 += 9,
        "T" => exp10 += 12,
        "P" => exp10 += 15,
        "E" => exp10 += 18,
        "Ki" => exp2 = 10,
        "Mi" => exp2 = 20,
        "Gi" => exp2 = 30,
        "Ti" => exp2 = 40,
        "Pi" => exp2 = 50,
        "Ei" => exp2 = 60,
        other => {
            let exponent = other
                .strip_prefix('e')
                .or_else(|| other.strip_prefix('E'))
                .ok_or_else(err)?;
            let exponent: i64 = exponent.parse().map_err(|_| err())?;
            if !(-40..=40).contains(&exponent) {
                return Err(err());
            }
            exp10 += exponent;
        }
    }
    exp10 += i64::from(scale);
    let mut value = digits;
    for _ in 0..exp2 {
        value = value.checked_mul(2).ok_or_else(err)?.min(CAP);
    }
    if exp10 >= 0 {
        for _ in 0..exp10 {
            value = value.checked_mul(10).ok_or_else(err)?.min(CAP);
        }
    } else {
        let divisor = 10i128.checked_pow(u32::try_from(-exp10).map_err(|_| err())?);
        value = match divisor {
            Some(d) => (value + d - 1) / d,
            None => i128::from(value > 0),
        };
    }
    Ok(if negative { -value } else { value })
}

/// CPU in millicores (`500m` is 500, `2` is 2000), rounded up.
///
/// # Errors
/// When the text is not a Kubernetes quantity.
pub fn milli_value(text: &str) -> Result<i128, QuantityError> {
    parse_scaled(text, 3)
}

/// A quantity in whole units (`4Gi` is 4294967296), rounded up.
///
/// # Errors
/// When the text is not a Kubernetes quantity.
pub fn value(text: &str) -> Result<i128, QuantityError> {
    parse_scaled(text, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kubernetes_quantities() {
        assert_eq!(milli_value("500m"), Ok(500));
        assert_eq!(milli_value("2"), Ok(2000));
        assert_eq!(milli_value("1.5"), Ok(1500));
        assert_eq!(milli_value("0.1"), Ok(100));
        assert_eq!(milli_value("100u"), Ok(1), "rounded up like MilliValue");
        assert_eq!(value("4Gi"), Ok(4 * 1024 * 1024 * 1024));
        assert_eq!(value("128974848"), Ok(128_974_848));
        assert_eq!(value("129e6"), Ok(129_000_000));
        assert_eq!(value("129M"), Ok(129_000_000));
        assert_eq!(value("123Mi"), Ok(123 * 1024 * 1024));
        assert_eq!(value("1.5Gi"), Ok(1_610_612_736));
        assert_eq!(value("110"), Ok(110));
        assert_eq!(value("1k"), Ok(1000));
        assert_eq!(value("-1"), Ok(-1));
    }

    #[test]
    fn rejects_what_kubernetes_rejects() {
        for bad in ["", "abc", "1..2", "1Q", "1e", ".", "1Kb", "1e999"] {
            assert!(value(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
