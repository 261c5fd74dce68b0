//! Finding where a field path sits in the source text, so that errors found after parsing
//! (unknown fields, type errors, failed validation) can still name a line and column.
//!
//! It walks one document with a deserializer seed that follows the path and fails on
//! purpose when it arrives: the YAML and JSON deserializers stamp the position of the node
//! being read onto the error, and that position is the answer. It runs only when there is
//! an error to report, so the normal path pays nothing for it.

use super::path::{FieldPath, Segment};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// The message of the deliberate error that marks the spot.
const FOUND: &str = "\u{0}dsim:found";

/// Finds `path` in document number `document` (0-based, counting every document of the
/// stream) of a YAML or JSON text. Returns `None` when the path is not in the text.
pub fn locate(text: &str, json: bool, document: usize, path: &FieldPath) -> Option<Position> {
    if json {
        let mut de = serde_json::Deserializer::from_str(text);
        for _ in 0..document {
            IgnoredAny::deserialize(&mut de).ok()?;
        }
        let err = Locate {
            path: path.segments(),
        }
        .deserialize(&mut de)
        .err()?;
        if !err.to_string().starts_with(FOUND) {
            return None;
        }
        Some(Position {
            line: u32::try_from(err.line()).ok()?,
            column: u32::try_from(err.column()).ok()?,
        })
    } else {
        let de = serde_yaml::Deserializer::from_str(text).nth(document)?;
        let err = Locate {
            path: path.segments(),
        }
        .deserialize(de)
        .err()?;
        if !err.to_string().contains(FOUND) {
            return None;
        }
        let location = err.location()?;
        Some(Position {
            line: u32::try_from(location.line()).ok()?,
            column: u32::try_from(location.column()).ok()?,
        })
    }
}

use serde::Deserialize;

/// Follows the remaining path through the node it is given.
struct Locate<'p> {
    path: &'p [Segment],
}

impl<'de> DeserializeSeed<'de> for Locate<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Locate<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(de::Error::custom(FOUND));
        };
        let Segment::Key(wanted) = first else {
            return Ok(());
        };
        while let Some(matched) = map.next_key_seed(KeySeed {
            wanted,
            fail_on_match: rest.is_empty(),
        })? {
            if matched {
                return map.next_value_seed(Locate { path: rest });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(de::Error::custom(FOUND));
        };
        let Segment::Index(wanted) = first else {
            return Ok(());
        };
        for _ in 0..*wanted {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
        }
        seq.next_element_seed(Locate { path: rest })?;
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.deserialize(d)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.scalar()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.scalar()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
}

impl Locate<'_> {
    /// A scalar is the target when no path is left; otherwise the path is not here.
    fn scalar<E: de::Error>(&self) -> Result<(), E> {
        if self.path.is_empty() {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

/// Reads one mapping key; says whether it is the wanted one, and fails on it (marking the
/// key's own position) when it is the last step of the path.
struct KeySeed<'w> {
    wanted: &'w str,
    fail_on_match: bool,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        let matched = key == self.wanted;
        if matched && self.fail_on_match {
            return Err(E::custom(FOUND));
        }
        Ok(matched)
    }

    fn visit_i64<E: de::Error>(self, key: i64) -> Result<bool, E> {
        self.visit_str(&key.to_string())
    }

    fn visit_u64<E: de::Error>(self, key: u64) -> Result<bool, E> {
        self.visit_str(&key.to_string())
    }

    fn visit_bool<E: de::Error>(self, key: bool) -> Result<bool, E> {
        self.visit_str(&key.to_string())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "\
apiVersion: v1
kind: Node
---
apiVersion: apps/v1
kind: DaemonSet
spec:
  template:
    spec:
      tolerations:
      - key: a
        operator: Exists
      - key: b
        effect: NoSchedul
";

    fn at(line: u32, column: u32) -> Option<Position> {
        Some(Position { line, column })
    }

    #[test]
    fn finds_keys_values_and_indices_in_yaml() {
        let tolerations = FieldPath::keys(&["spec", "template", "spec", "tolerations"]);
        assert_eq!(locate(YAML, false, 1, &tolerations), at(9, 7));
        assert_eq!(locate(YAML, false, 1, &tolerations.index(1)), at(12, 9));
        assert_eq!(
            locate(YAML, false, 1, &tolerations.index(1).key("effect")),
            at(13, 9)
        );
        assert_eq!(
            locate(YAML, false, 0, &FieldPath::keys(&["kind"])),
            at(2, 1)
        );
        assert_eq!(
            locate(YAML, false, 1, &FieldPath::keys(&["spec", "x"])),
            None
        );
        assert_eq!(locate(YAML, false, 1, &tolerations.index(7)), None);
        assert_eq!(locate(YAML, false, 5, &tolerations), None);
    }

    #[test]
    fn finds_fields_in_json() {
        let json = "{\"kind\": \"Node\"}\n{\n  \"kind\": \"Pod\",\n  \"spec\": {\"x\": [1, 2]}\n}";
        assert_eq!(
            locate(json, true, 1, &FieldPath::keys(&["spec", "x"])).map(|p| p.line),
            Some(4)
        );
        assert_eq!(
            locate(json, true, 1, &FieldPath::keys(&["kind"])).map(|p| p.line),
            Some(3)
        );
    }
}
