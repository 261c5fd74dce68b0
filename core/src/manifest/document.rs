//! One parsed document (or one item of a `kind: List`) before it becomes a typed object.
//! YAML and JSON are both read into the same [`Tree`], so that one decoder
//! ([`super::decode`]) turns every object into its k8s-openapi type.

use super::decode;
use super::path::FieldPath;
use super::tree::Tree;
use serde::de::DeserializeOwned;

/// A parsed YAML or JSON tree.
#[derive(Debug)]
pub struct Document<'t>(pub Tree<'t>);

/// A typed object and the paths of fields the type does not know.
pub struct Decoded<T> {
    /// The object.
    pub object: T,
    /// Fields present in the input that the Kubernetes API does not define.
    pub unknown_fields: Vec<FieldPath>,
}

/// A type error while decoding: the field and the message.
pub struct DecodeError {
    /// Where in the object.
    pub path: FieldPath,
    /// What was wrong.
    pub message: String,
}

impl<'t> Document<'t> {
    /// True for the empty document (only comments, or nothing).
    pub fn is_null(&self) -> bool {
        self.0.is_null()
    }

    /// True when the document is a mapping, as every Kubernetes object is.
    pub fn is_mapping(&self) -> bool {
        matches!(self.0, Tree::Map(_))
    }

    /// A short name of the document's shape, for errors.
    pub fn shape(&self) -> &'static str {
        match &self.0 {
            Tree::Seq(_) => "a list",
            Tree::String(_) => "a string",
            Tree::Map(_) => "a mapping",
            _ => "a scalar",
        }
    }

    /// The top-level string field `key` (`kind`, `apiVersion`), if it is a string.
    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(Tree::as_str)
    }

    /// The string at `metadata.name`, if there is one.
    pub fn name(&self) -> Option<&str> {
        self.0
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(Tree::as_str)
    }

    /// True when the top-level field `key` is present and not null.
    pub fn has_field(&self, key: &str) -> bool {
        self.0.get(key).is_some_and(|f| !f.is_null())
    }

    /// Sets the top-level string field `key` when it is missing or empty, as the API
    /// machinery does for the items of a typed list (`NodeList` items get `kind: Node`).
    pub fn default_str_field(&mut self, key: &str, value: &str) {
        if self.str_field(key).is_some_and(|v| !v.is_empty()) {
            return;
        }
        if let Some(field) = self.0.get_mut(key) {
            *field = Tree::String(value.to_owned());
        } else if let Tree::Map(entries) = &mut self.0 {
            entries.push((key.to_owned().into(), Tree::String(value.to_owned())));
        }
    }

    /// Takes the `items` of a list document; `None` when `items` is missing or not a list.
    pub fn take_items(&mut self) -> Option<Vec<Document<'t>>> {
        match self.0.get_mut("items").map(std::mem::take) {
            Some(Tree::Seq(items)) => Some(items.into_iter().map(Self).collect()),
            Some(Tree::Null) => Some(Vec::new()),
            _ => None,
        }
    }

    /// Decodes the tree into `T`, collecting unknown fields and the path of a type error.
    ///
    /// # Errors
    /// When the tree does not fit the type: wrong types, bad enum values, bad apiVersion.
    pub fn decode<T: DeserializeOwned>(self) -> Result<Decoded<T>, DecodeError> {
        match decode::decode(self.0) {
            Ok((object, unknown_fields)) => Ok(Decoded {
                object,
                unknown_fields,
            }),
            Err(err) => Err(DecodeError {
                path: err.path(),
                message: err.message().to_owned(),
            }),
        }
    }
}
