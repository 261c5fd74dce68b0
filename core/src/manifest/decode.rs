//! Decoding a parsed tree into a k8s-openapi type in one pass that also records the
//! fields the type does not know and the path of the first type error.
//!
//! Every object, YAML or JSON, whole document or list item, is decoded by this one
//! deserializer, so the (large) `Deserialize` code of each Kubernetes type exists once in
//! the program rather than once per reader and wrapper. YAML and JSON are both read into
//! the same [`Tree`](super::tree::Tree) first.

use super::path::{FieldPath, Segment};
use super::tree::Tree as Value;
use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

/// A decoding error: the message, and where it happened once known.
#[derive(Debug)]
pub struct Error {
    message: String,
    path: Option<FieldPath>,
}

impl Error {
    /// The path of the field the error is about (the root when unknown).
    pub fn path(&self) -> FieldPath {
        self.path.clone().unwrap_or_default()
    }

    /// The message, as serde words it (`invalid type: sequence, expected a string`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Sets the path, unless a deeper value already did.
    fn at(mut self, trail: &Trail<'_>) -> Self {
        if self.path.is_none() {
            self.path = Some(trail.path());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self {
            message: message.to_string(),
            path: None,
        }
    }
}

/// Where the value being decoded sits: its parents, on the stack.
#[derive(Clone, Copy)]
enum Trail<'a> {
    Root,
    Key(&'a Trail<'a>, &'a str),
    Index(&'a Trail<'a>, usize),
}

impl Trail<'_> {
    fn path(&self) -> FieldPath {
        let mut reversed = Vec::new();
        let mut current = self;
        loop {
            match current {
                Trail::Root => break,
                Trail::Key(parent, key) => {
                    reversed.push(Segment::Key((*key).to_owned()));
                    current = parent;
                }
                Trail::Index(parent, index) => {
                    reversed.push(Segment::Index(*index));
                    current = parent;
                }
            }
        }
        let mut path = FieldPath::root();
        for segment in reversed.into_iter().rev() {
            path.push(segment);
        }
        path
    }
}

/// Decodes `value` into `T`, returning it with the paths of fields `T` does not define.
///
/// # Errors
/// The first type error, with its path.
pub fn decode<T: de::DeserializeOwned>(value: Value<'_>) -> Result<(T, Vec<FieldPath>), Error> {
    let unknown = RefCell::new(Vec::new());
    let object = T::deserialize(Tree {
        value,
        trail: &Trail::Root,
        unknown: &unknown,
    })?;
    Ok((object, unknown.into_inner()))
}

/// A value of the tree, as a deserializer.
struct Tree<'t> {
    value: Value<'t>,
    trail: &'t Trail<'t>,
    unknown: &'t RefCell<Vec<FieldPath>>,
}

impl<'t> Tree<'t> {
    /// Any value: the visitor method for what the value is.
    fn any<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let this = self;
        let trail = this.trail;
        let result: Result<V::Value, Error> = match this.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Unsigned(_) | Value::Signed(_) | Value::Float(_) => return this.number(visitor),
            Value::String(s) => visitor.visit_string(s),
            Value::Seq(_) => return this.sequence(visitor),
            Value::Map(_) => return this.mapping(visitor),
        };
        result.map_err(|e| e.at(trail))
    }

    /// The error for a value of the wrong type. Typed requests (`deserialize_struct`,
    /// `deserialize_string`...) call only the one visitor method they need, which keeps
    /// the decoding code of each Kubernetes type small.
    fn wrong_type(self, expected: &dyn de::Expected) -> Error {
        let unexpected = match &self.value {
            Value::Null => de::Unexpected::Unit,
            Value::Bool(b) => de::Unexpected::Bool(*b),
            Value::Unsigned(u) => de::Unexpected::Unsigned(*u),
            Value::Signed(i) => de::Unexpected::Signed(*i),
            Value::Float(f) => de::Unexpected::Float(*f),
            Value::String(s) => de::Unexpected::Str(s),
            Value::Seq(_) => de::Unexpected::Seq,
            Value::Map(_) => de::Unexpected::Map,
        };
        <Error as de::Error>::invalid_type(unexpected, expected).at(self.trail)
    }

    /// A mapping, for structs and maps.
    ///
    /// This and the other methods generic over a visitor are instantiated for every
    /// Kubernetes type (well over a hundred times), so they keep to the calls that need the
    /// visitor's type and leave the rest to helpers that, in the WebAssembly build (where
    /// size is download time), exist once, out of line.
    fn mapping<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let mut access = match self.entries() {
            Ok(access) => access,
            Err(tree) => return Err(tree.wrong_type(&visitor)),
        };
        match visitor.visit_map(&mut access) {
            Ok(value) => access.finish().map(|()| value),
            Err(e) => Err(access.fail(e)),
        }
    }

    /// The entries of the value, or the value back when it is not a mapping.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn entries(self) -> Result<Entries<'t>, Self> {
        match self.value {
            Value::Map(mapping) => Ok(Entries {
                entries: mapping.into_iter(),
                key: Cow::Borrowed(""),
                value: None,
                trail: self.trail,
                unknown: self.unknown,
            }),
            value => Err(Self { value, ..self }),
        }
    }

    /// A sequence, for lists.
    fn sequence<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let mut access = match self.items() {
            Ok(access) => access,
            Err(tree) => return Err(tree.wrong_type(&visitor)),
        };
        match visitor.visit_seq(&mut access) {
            Ok(value) => access.finish().map(|()| value),
            Err(e) => Err(access.fail(e)),
        }
    }

    /// The items of the value, or the value back when it is not a sequence.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn items(self) -> Result<Items<'t>, Self> {
        match self.value {
            Value::Seq(items) => Ok(Items {
                items: items.into_iter(),
                index: 0,
                trail: self.trail,
                unknown: self.unknown,
            }),
            value => Err(Self { value, ..self }),
        }
    }

    /// The value, unless it is null.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn unless_null(self) -> Option<Self> {
        if self.value.is_null() {
            None
        } else {
            Some(self)
        }
    }

    /// A string.
    fn string<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let this = self;
        let trail = this.trail;
        match this.value {
            Value::String(s) => visitor.visit_string(s).map_err(|e: Error| e.at(trail)),
            _ => Err(this.wrong_type(&visitor)),
        }
    }

    /// A number.
    fn number<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let this = self;
        let trail = this.trail;
        let result = match this.value {
            Value::Unsigned(u) => visitor.visit_u64(u),
            Value::Signed(i) => visitor.visit_i64(i),
            Value::Float(f) => visitor.visit_f64(f),
            _ => return Err(this.wrong_type(&visitor)),
        };
        result.map_err(|e: Error| e.at(trail))
    }

    /// A boolean.
    fn boolean<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let this = self;
        let trail = this.trail;
        match this.value {
            Value::Bool(b) => visitor.visit_bool(b).map_err(|e: Error| e.at(trail)),
            _ => Err(this.wrong_type(&visitor)),
        }
    }
}

impl<'de> de::Deserializer<'de> for Tree<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.unless_null() {
            None => visitor.visit_none(),
            Some(tree) => visitor.visit_some(tree),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let trail = self.trail;
        visitor.visit_newtype_struct(self).map_err(|e| e.at(trail))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // A field the type skips is a field the Kubernetes API does not define.
        self.unknown.borrow_mut().push(self.trail.path());
        visitor.visit_unit()
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let this = self;
        let trail = this.trail;
        match this.value {
            Value::String(s) => visitor
                .visit_enum(s.into_deserializer())
                .map_err(|e: Error| e.at(trail)),
            _ => this.any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.mapping(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.mapping(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.sequence(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.string(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.string(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.boolean(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i128 u8 u16 u32 u64 u128 f32 char
        bytes byte_buf unit unit_struct tuple tuple_struct identifier
    }
}

/// The items of a sequence.
struct Items<'t> {
    items: std::vec::IntoIter<Value<'t>>,
    index: usize,
    trail: &'t Trail<'t>,
    unknown: &'t RefCell<Vec<FieldPath>>,
}

impl<'de> de::SeqAccess<'de> for Items<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some((value, index)) = self.advance() else {
            return Ok(None);
        };
        let trail = Trail::Index(self.trail, index);
        seed.deserialize(Tree {
            value,
            trail: &trail,
            unknown: self.unknown,
        })
        .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

impl<'t> Items<'t> {
    /// The next item and its index.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn advance(&mut self) -> Option<(Value<'t>, usize)> {
        let value = self.items.next()?;
        let index = self.index;
        self.index += 1;
        Some((value, index))
    }

    /// Ends a sequence the visitor has read: an error if it left items unread.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn finish(self) -> Result<(), Error> {
        if self.items.len() > 0 {
            return Err(<Error as de::Error>::invalid_length(
                self.index + self.items.len(),
                &"fewer elements in the list",
            )
            .at(self.trail));
        }
        Ok(())
    }

    /// The visitor's error, placed at the sequence unless a deeper value placed it.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn fail(self, e: Error) -> Error {
        e.at(self.trail)
    }
}

/// The entries of a mapping.
struct Entries<'t> {
    entries: std::vec::IntoIter<(Cow<'t, str>, Value<'t>)>,
    /// The key of the entry whose value comes next, as text.
    key: Cow<'t, str>,
    value: Option<Value<'t>>,
    trail: &'t Trail<'t>,
    unknown: &'t RefCell<Vec<FieldPath>>,
}

impl<'t> Entries<'t> {
    /// Moves to the next entry, keeping its value for `next_value_seed`; returns its key.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn advance(&mut self) -> Option<&str> {
        let (key, value) = self.entries.next()?;
        self.value = Some(value);
        self.key = key;
        Some(&self.key)
    }

    /// The value of the current entry.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn take_value(&mut self) -> Value<'t> {
        self.value.take().unwrap_or(Value::Null)
    }

    /// An error about the current key, placed at it.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn key_error(&self, e: Error) -> Error {
        e.at(&Trail::Key(self.trail, &self.key))
    }

    /// Ends a mapping the visitor has read: an error if it left entries unread.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn finish(self) -> Result<(), Error> {
        if self.entries.len() > 0 {
            return Err(<Error as de::Error>::invalid_length(
                self.entries.len(),
                &"fewer entries in the mapping",
            )
            .at(self.trail));
        }
        Ok(())
    }

    /// The visitor's error, placed at the mapping unless a deeper value placed it.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn fail(self, e: Error) -> Error {
        e.at(self.trail)
    }
}

impl<'de> de::MapAccess<'de> for Entries<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(key) = self.advance() else {
            return Ok(None);
        };
        match seed.deserialize(StrDeserializer::new(key)) {
            Ok(key) => Ok(Some(key)),
            Err(e) => Err(self.key_error(e)),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self.take_value();
        let trail = Trail::Key(self.trail, &self.key);
        seed.deserialize(Tree {
            value,
            trail: &trail,
            unknown: self.unknown,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::Node;

    fn tree(text: &str) -> Value<'_> {
        serde_yaml::from_str(text).unwrap_or_else(|e| panic!("test YAML does not parse: {e}"))
    }

    #[test]
    fn records_unknown_fields_with_their_paths() {
        let value = tree("apiVersion: v1\nkind: Node\nmetadata: {name: a}\nspec:\n  taints:\n  - {key: k, effect: NoSchedule, efect: x}\n");
        let unknown = decode::<Node>(value).ok().map(|(_, unknown)| unknown);
        assert_eq!(
            unknown,
            Some(vec![FieldPath::keys(&["spec", "taints"])
                .index(0)
                .key("efect")])
        );
    }

    #[test]
    fn type_errors_carry_the_field_path() {
        let value = tree("apiVersion: v1\nkind: Node\nmetadata:\n  name: a\n  labels: {x: [1]}\n");
        let err = decode::<Node>(value)
            .err()
            .map(|e| (e.path().to_string(), e.message().to_owned()));
        assert_eq!(
            err,
            Some((
                "metadata.labels.x".to_owned(),
                "invalid type: sequence, expected a string".to_owned()
            ))
        );
    }

    #[test]
    fn numbers_are_not_strings_but_quantities_may_be_numbers() {
        let value = tree("apiVersion: v1\nkind: Node\nmetadata:\n  name: a\n  labels: {zone: 1}\n");
        let err = decode::<Node>(value).err().map(|e| e.path().to_string());
        assert_eq!(err.as_deref(), Some("metadata.labels.zone"));
        let value = tree("apiVersion: v1\nkind: Node\nmetadata: {name: a, labels: {1: x}}\nstatus:\n  allocatable: {cpu: 4, memory: 1.5}\n");
        let node = decode::<Node>(value).ok().map(|(node, _)| node);
        let allocatable = node.and_then(|n| n.status).and_then(|s| s.allocatable);
        let cpu = allocatable
            .as_ref()
            .and_then(|a| a.get("cpu"))
            .map(|q| q.0.clone());
        assert_eq!(cpu.as_deref(), Some("4"));
    }

    #[test]
    fn wrong_api_version_is_an_error_at_the_root() {
        let value = tree("apiVersion: v2\nkind: Node\nmetadata: {name: a}\n");
        assert!(decode::<Node>(value).is_err());
    }
}
