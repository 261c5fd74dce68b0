//! Errors and warnings about input, each pointing at a file, a line and column where known,
//! and a field path.

use serde::Serialize;
use std::fmt;

/// A problem found in the input: an error that stops simulation, or a warning that does not.
///
/// Lines and columns are 1-based. `path` is the field path inside the object
/// (`spec.template.spec.tolerations[0].effect`), empty when the problem is not about a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
