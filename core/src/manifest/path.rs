//! Field paths inside a Kubernetes object, written as kubectl and the API server write
//! them: `spec.template.spec.tolerations[2].operator`.

use std::fmt;

/// One step of a [`FieldPath`]: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A key of a mapping, such as `spec`.
    Key(String),
    /// A zero-based index into a sequence, such as `[2]`.
    Index(usize),
}

/// The path from the root of a document to one of its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FieldPath {
    segments: Vec<Segment>,
}

impl FieldPath {
    /// The empty path, naming the whole document.
    pub fn root() -> Self {
        Self::default()
    }

    /// Builds a path from dotted keys, such as `FieldPath::keys(&["spec", "selector"])`.
    pub fn keys(keys: &[&str]) -> Self {
        Self {
            segments: keys.iter().map(|k| Segment::Key((*k).to_owned())).collect(),
        }
    }

    /// This path with one more key at the end.
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        let mut next = self.clone();
        next.segments.push(Segment::Key(key.to_owned()));
        next
    }

    /// This path with one more index at the end.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        let mut next = self.clone();
        next.segments.push(Segment::Index(index));
        next
    }

    /// This path followed by all the segments of `rest`.
    #[must_use]
    pub fn join(&self, rest: &FieldPath) -> Self {
        let mut next = self.clone();
        next.segments.extend(rest.segments.iter().cloned());
        next
    }

    /// This path without its first segment (a path inside a one-element wrapper).
    #[must_use]
    pub fn without_first(mut self) -> Self {
        if !self.segments.is_empty() {
            self.segments.remove(0);
        }
        self
    }

    /// Appends a segment in place.
    pub fn push(&mut self, segment: Segment) {
        self.segments.push(segment);
    }

    /// The segments, root first.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// True for the root path.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Key(key) if i == 0 => write!(f, "{key}")?,
                Segment::Key(key) => write!(f, ".{key}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_kubectl() {
        let path = FieldPath::keys(&["spec", "template", "spec", "tolerations"])
            .index(2)
            .key("operator");
        assert_eq!(
            path.to_string(),
            "spec.template.spec.tolerations[2].operator"
        );
        assert_eq!(FieldPath::root().to_string(), "");
        assert_eq!(
            FieldPath::root().key("items").index(0).to_string(),
            "items[0]"
        );
    }
}
