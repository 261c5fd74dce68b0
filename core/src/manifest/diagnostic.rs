//! Errors and warnings about input, each pointing at a file, a line and column where known,
//! and a field path.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A problem found in the input: an error that stops simulation, or a warning that does not.
///
/// Lines and columns are 1-based. `path` is the field path inside the object
/// (`spec.template.spec.tolerations[0].effect`), empty when the problem is not about a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// The file name as given (`-` for standard input).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// Field path inside the object, or empty.
    pub path: String,
    /// What is wrong, in Kubernetes' words where Kubernetes has words for it.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic about a whole file, without position or path.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: None,
            column: None,
            path: String::new(),
            message: message.into(),
        }
    }
}

/// `bytes` as text, or where it stops being UTF-8: the line and column (in characters) of
/// the first byte that is not, in a diagnostic about `file`.
pub fn utf8<'b>(file: &str, bytes: &'b [u8]) -> Result<&'b str, Diagnostic> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        Diagnostic {
            file: file.to_owned(),
            line: u32::try_from(line).ok(),
            column: u32::try_from(column).ok(),
            path: String::new(),
            message: "the input is not UTF-8 text (is it a binary file?)".to_owned(),
        }
    })
}

impl fmt::Display for Diagnostic {
    /// `FILE:LINE:COL: path: message`, leaving out what is unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_writes_as_json() {
        let at = Diagnostic {
            file: "cluster.yaml".into(),
            line: Some(7),
            column: None,
            path: "spec.taints[0].effect".into(),
            message: "Unsupported value".into(),
        };
        let json = serde_json::to_string(&at).unwrap_or_default();
        let back: Option<Diagnostic> = serde_json::from_str(&json).ok();
        assert_eq!(back.as_ref(), Some(&at), "{json}");
        assert_eq!(
            back.map(|d| d.to_string()).as_deref(),
            Some("cluster.yaml:7: spec.taints[0].effect: Unsupported value")
        );
    }

    #[test]
    fn utf8_points_at_the_first_byte_that_is_not() {
        assert_eq!(utf8("a.yaml", b"kind: Node\n"), Ok("kind: Node\n"));
        let Err(d) = utf8("a.yaml", b"kind: Node\nname: \xc3\xa9t\xe9\n") else {
            panic!("not UTF-8");
        };
        assert_eq!(
            d.to_string(),
            "a.yaml:2:9: the input is not UTF-8 text (is it a binary file?)"
        );
    }

    #[test]
    fn display_leaves_out_unknown_parts() {
        let mut d = Diagnostic::file("ds.yaml", "no DaemonSet found");
        assert_eq!(d.to_string(), "ds.yaml: no DaemonSet found");
        d.line = Some(3);
        d.column = Some(7);
        d.path = "spec.tempalte".into();
        assert_eq!(
            d.to_string(),
            "ds.yaml:3:7: spec.tempalte: no DaemonSet found"
        );
    }
}
