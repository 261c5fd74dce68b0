//! One parsed document (or one item of a `kind: List`) before it becomes a typed object:
//! a YAML or JSON tree, and the decoding of that tree into a k8s-openapi type that records
//! unknown fields and the path of any type error.

use super::path::FieldPath;
use serde::de::DeserializeOwned;

/// A parsed YAML or JSON tree.
#[derive(Debug)]
pub enum Document {
    /// Parsed by the YAML reader.
    Yaml(serde_yaml::Value),
    /// Parsed by the JSON reader.
    Json(serde_json::Value),
}

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

impl Document {
    /// True for the empty document (only comments, or nothing).
    pub fn is_null(&self) -> bool {
        match self {
            Self::Yaml(v) => v.is_null(),
            Self::Json(v) => v.is_null(),
        }
    }

    /// True when the document is a mapping, as every Kubernetes object is.
    pub fn is_mapping(&self) -> bool {
        match self {
            Self::Yaml(v) => v.is_mapping(),
            Self::Json(v) => v.is_object(),
        }
    }

    /// A short name of the document's shape, for errors.
    pub fn shape(&self) -> &'static str {
        match self {
            Self::Yaml(serde_yaml::Value::Sequence(_))
            | Self::Json(serde_json::Value::Array(_)) => "a list",
            Self::Yaml(serde_yaml::Value::String(_)) | Self::Json(serde_json::Value::String(_)) => {
                "a string"
            }
            Self::Yaml(serde_yaml::Value::Mapping(_))
            | Self::Json(serde_json::Value::Object(_)) => "a mapping",
            _ => "a scalar",
        }
    }

    /// The top-level string field `key` (`kind`, `apiVersion`), if it is a string.
    pub fn str_field(&self, key: &str) -> Option<&str> {
        match self {
            Self::Yaml(v) => v.get(key).and_then(serde_yaml::Value::as_str),
            Self::Json(v) => v.get(key).and_then(serde_json::Value::as_str),
        }
    }

    /// True when the top-level field `key` is present, whatever its type.
    pub fn has_field(&self, key: &str) -> bool {
        match self {
            Self::Yaml(v) => v.get(key).is_some_and(|f| !f.is_null()),
            Self::Json(v) => v.get(key).is_some_and(|f| !f.is_null()),
        }
    }

    /// Sets the top-level string field `key` when it is missing or empty, as the API
    /// machinery does for the items of a typed list (`NodeList` items get `kind: Node`).
    pub fn default_str_field(&mut self, key: &str, value: &str) {
        if self.str_field(key).is_some_and(|v| !v.is_empty()) {
            return;
        }
        match self {
            Self::Yaml(serde_yaml::Value::Mapping(m)) => {
                m.insert(serde_yaml::Value::from(key), serde_yaml::Value::from(value));
            }
            Self::Json(serde_json::Value::Object(m)) => {
                m.insert(key.to_owned(), serde_json::Value::from(value));
            }
            _ => {}
        }
    }

    /// Takes the `items` of a list document; `None` when `items` is missing or not a list.
    pub fn take_items(&mut self) -> Option<Vec<Document>> {
        match self {
            Self::Yaml(v) => match v.get_mut("items").map(std::mem::take) {
                Some(serde_yaml::Value::Sequence(items)) => {
                    Some(items.into_iter().map(Self::Yaml).collect())
                }
                Some(serde_yaml::Value::Null) => Some(Vec::new()),
                _ => None,
            },
            Self::Json(v) => match v.get_mut("items").map(serde_json::Value::take) {
                Some(serde_json::Value::Array(items)) => {
                    Some(items.into_iter().map(Self::Json).collect())
                }
                Some(serde_json::Value::Null) => Some(Vec::new()),
                _ => None,
            },
        }
    }

    /// Decodes the tree into `T`, collecting unknown fields and the path of a type error.
    ///
    /// # Errors
    /// When the tree does not fit the type: wrong types, bad enum values, bad apiVersion.
    pub fn decode<T: DeserializeOwned>(self) -> Result<Decoded<T>, DecodeError> {
        match self {
            Self::Yaml(v) => decode_with(v),
            Self::Json(v) => decode_with(v),
        }
    }
}

fn decode_with<'de, T, D>(deserializer: D) -> Result<Decoded<T>, DecodeError>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
    D::Error: std::fmt::Display,
{
    let mut unknown_fields = Vec::new();
    let result = {
        let mut record = |path: serde_ignored::Path<'_>| {
            unknown_fields.push(FieldPath::from(&path));
        };
        let ignored = serde_ignored::Deserializer::new(deserializer, &mut record);
        serde_path_to_error::deserialize(ignored)
    };
    match result {
        Ok(object) => Ok(Decoded {
            object,
            unknown_fields,
        }),
        Err(err) => Err(DecodeError {
            path: FieldPath::from(err.path()),
            message: err.inner().to_string(),
        }),
    }
}

/// Decodes the single element of a one-element YAML sequence (a list item cut out of a
/// larger document, `- apiVersion: v1 ...`) straight into `T`, without building a tree.
/// Unknown-field paths are relative to the element. This is the fast path: an error says
/// only that decoding failed, and the caller decodes the item again the general way to
/// find out where and why.
///
/// # Errors
/// Syntax and type errors, or a text that is not a one-element sequence.
pub fn decode_only_element<T: DeserializeOwned>(text: &str) -> Result<Decoded<T>, String> {
    let mut unknown_fields = Vec::new();
    let mut record = |path: serde_ignored::Path<'_>| {
        unknown_fields.push(FieldPath::from(&path).without_first());
    };
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let object = serde::Deserialize::deserialize(serde_ignored::Deserializer::new(
        deserializer,
        &mut record,
    ))
    .map(|OnlyElement(object)| object)
    .map_err(|e: serde_yaml::Error| e.to_string())?;
    Ok(Decoded {
        object,
        unknown_fields,
    })
}

/// The one element of a one-element sequence.
struct OnlyElement<T>(T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for OnlyElement<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
            type Value = OnlyElement<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a sequence of one object")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let first = seq
                    .next_element()?
                    .ok_or_else(|| serde::de::Error::invalid_length(0, &self))?;
                if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(serde::de::Error::invalid_length(2, &self));
                }
                Ok(OnlyElement(first))
            }
        }
        deserializer.deserialize_seq(Visit(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::Node;

    fn yaml(text: &str) -> Document {
        match serde_yaml::from_str(text) {
            Ok(v) => Document::Yaml(v),
            Err(e) => panic!("test YAML does not parse: {e}"),
        }
    }

    #[test]
    fn records_unknown_fields_with_their_paths() {
        let doc = yaml("apiVersion: v1\nkind: Node\nmetadata: {name: a}\nspec:\n  taints:\n  - {key: k, effect: NoSchedule, efect: x}\n");
        let decoded = doc.decode::<Node>().ok().map(|d| d.unknown_fields);
        assert_eq!(
            decoded,
            Some(vec![FieldPath::keys(&["spec", "taints"])
                .index(0)
                .key("efect")])
        );
    }

    #[test]
    fn type_errors_carry_the_field_path() {
        let doc = yaml("apiVersion: v1\nkind: Node\nmetadata:\n  name: a\n  labels: {x: [1]}\n");
        let err = doc
            .decode::<Node>()
            .err()
            .map(|e| (e.path.to_string(), e.message));
        assert_eq!(
            err,
            Some((
                "metadata.labels.x".to_owned(),
                "invalid type: sequence, expected a string".to_owned()
            ))
        );
    }
}
