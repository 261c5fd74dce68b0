//! The tree every document is read into before it becomes a typed object: JSON's data
//! model (null, booleans, numbers, strings, lists, mappings with string keys), which is
//! what the API machinery turns YAML into. Mappings are lists of entries in input order,
//! cheaper to build than hash maps for the small mappings of Kubernetes objects, and their
//! keys are borrowed from the input text wherever the parser allows (no allocation).

use serde::de::{self, Deserialize, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A parsed YAML or JSON value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Tree<'t> {
    /// `null`, `~`, or nothing.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number that fits in 64 bits without sign.
    Unsigned(u64),
    /// A negative whole number.
    Signed(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    String(String),
    /// A list.
    Seq(Vec<Tree<'t>>),
    /// A mapping, in input order. Scalar keys are written as strings, as in JSON.
    Map(Vec<(Cow<'t, str>, Tree<'t>)>),
}

impl<'t> Tree<'t> {
    /// True for null.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value of `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Tree<'t>> {
        match self {
            Self::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value of `key`, mutably, if this is a mapping that has it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Tree<'t>> {
        match self {
            Self::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// The first key that occurs twice among `entries`, if any.
pub(super) fn repeated_key<'e>(entries: &'e [(Cow<'_, str>, Tree<'_>)]) -> Option<&'e str> {
    if entries.len() <= 16 {
        return entries
            .iter()
            .enumerate()
            .find(|(i, (k, _))| entries[..*i].iter().any(|(seen, _)| seen == k))
            .map(|(_, (k, _))| k.as_ref());
    }
    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_ref()).collect();
    keys.sort_unstable();
    keys.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

/// A mapping key: the text of a scalar, as the YAML-to-JSON conversion writes it.
struct KeyText<'t>(Cow<'t, str>);

impl<'de> Deserialize<'de> for KeyText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = KeyText<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(KeyText(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(KeyText(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(KeyText(Cow::Owned(v)))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(KeyText(Cow::Owned(v.to_string())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(KeyText(Cow::Owned(v.to_string())))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(KeyText(Cow::Owned(v.to_string())))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(KeyText(Cow::Owned(v.to_string())))
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_unit<E>(self) -> Result<Tree<'de>, E> {
        Ok(Tree::Null)
    }

    fn visit_none<E>(self) -> Result<Tree<'de>, E> {
        Ok(Tree::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Tree<'de>, D::Error> {
        Tree::deserialize(deserializer)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Tree<'de>, E> {
        Ok(Tree::Bool(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Tree<'de>, E> {
        Ok(Tree::Unsigned(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Tree<'de>, E> {
        Ok(match u64::try_from(v) {
            Ok(u) => Tree::Unsigned(u),
            Err(_) => Tree::Signed(v),
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Tree<'de>, E> {
        Ok(Tree::Float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Tree<'de>, E> {
        Ok(Tree::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Tree<'de>, E> {
        Ok(Tree::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Tree::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree<'de>, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
        while let Some((KeyText(key), value)) = map.next_entry()? {
            entries.push((key, value));
        }
        if let Some(key) = repeated_key(&entries) {
            return Err(de::Error::custom(format_args!(
                "duplicate entry with key \"{key}\""
            )));
        }
        Ok(Tree::Map(entries))
    }

    /// A YAML tag (`!!binary`, `!custom`): the API machinery drops tags, and so do we.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Tree<'de>, A::Error> {
        let (_tag, value): (de::IgnoredAny, _) = data.variant()?;
        de::VariantAccess::newtype_variant::<Tree<'de>>(value)
    }
}

impl<'de> Deserialize<'de> for Tree<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TreeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Result<Tree<'_>, String> {
        serde_yaml::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_yaml_and_json_alike() {
        let from_yaml = yaml("a: 1\nb: [x, -2, 1.5, true, null]\n3: c\n");
        let from_json: Result<Tree<'_>, String> =
            serde_json::from_str(r#"{"a": 1, "b": ["x", -2, 1.5, true, null], "3": "c"}"#)
                .map_err(|e| e.to_string());
        assert_eq!(from_yaml, from_json);
        let tree = from_yaml.unwrap_or_default();
        assert_eq!(tree.get("3").and_then(Tree::as_str), Some("c"));
    }

    #[test]
    fn repeated_keys_are_errors() {
        let err = yaml("a: 1\nb: 2\na: 3\n").err().unwrap_or_default();
        assert!(err.starts_with("duplicate entry with key \"a\""), "{err}");
        let many: String = (0..40).map(|i| format!("k{i}: v\n")).collect();
        let err = yaml(&format!("{many}k7: again\n"))
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("duplicate entry with key \"k7\""), "{err}");
    }

    #[test]
    fn tags_are_dropped() {
        assert_eq!(
            yaml("a: !custom x\n")
                .ok()
                .and_then(|t| t.get("a").cloned()),
            Some(Tree::String("x".to_owned()))
        );
    }
}
