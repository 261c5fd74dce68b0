//! ControllerRevisions: the template hash, the history of revisions, cleanup by
//! `revisionHistoryLimit`, and the rollback target, as `pkg/controller/daemon/update.go`
//! and kubectl's `DaemonSetRollbacker` keep them.

use k8s_openapi::api::core::v1::PodTemplateSpec;
use std::sync::Arc;

/// The characters Kubernetes uses for generated names and hashes
/// (`k8s.io/apimachinery/pkg/util/rand`): no vowels, no confusable digits.
pub const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// One ControllerRevision of a DaemonSet.
#[derive(Debug, Clone)]
pub struct Revision {
    /// `revision`: the number `kubectl rollout history` shows.
    pub number: i64,
    /// The `controller-revision-hash` label its pods carry.
    pub hash: Arc<str>,
    /// The pod template it stores.
    pub template: PodTemplateSpec,
    /// The DaemonSet's `kubernetes.io/change-cause` annotation when the revision was made.
    pub change_cause: Option<String>,
    /// The template serialized, to compare templates byte for byte as `Match` does.
    data: String,
}

/// The revisions of one DaemonSet.
#[derive(Debug, Clone, Default)]
pub struct History {
    revisions: Vec<Revision>,
    /// `status.collisionCount`.
    pub collision_count: Option<i32>,
}

/// FNV-32a, the hash `ComputeHash` feeds the template into.
fn fnv32a(bytes: &[u8], mut hash: u32) -> u32 {
    for &b in bytes {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// The `controller-revision-hash` of a template: FNV-32a over its canonical JSON, then the
/// collision count as `ComputeHash` adds it, written in decimal and mapped through
/// [`SAFE_ALPHABET`] as `rand.SafeEncodeString` does. Upstream hashes Go's deep dump of
/// the object, which cannot be reproduced here, so the values differ from a live
/// cluster's; they have the same form and change exactly when the template changes.
pub fn template_hash(data: &str, collision_count: Option<i32>) -> String {
    let mut hash = fnv32a(data.as_bytes(), 0x811c_9dc5);
    if let Some(count) = collision_count {
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&count.to_le_bytes());
        hash = fnv32a(&bytes, hash);
    }
    hash.to_string()
        .bytes()
        .map(|b| char::from(SAFE_ALPHABET[usize::from(b) % SAFE_ALPHABET.len()]))
        .collect()
}

/// The canonical serialization of a template, as stored in a revision's `data`: JSON
/// with sorted keys. It goes through a JSON tree, the one way objects are serialized in
/// this crate (the kubectl printers use it too), so each type's serializing code exists
/// once in the WebAssembly module.
pub fn template_data(template: &PodTemplateSpec) -> String {
    serde_json::to_value(template)
        .map(|value| value.to_string())
        .unwrap_or_default()
}

impl History {
    /// The revisions, by ascending number.
    pub fn revisions(&self) -> Vec<&Revision> {
        let mut list: Vec<&Revision> = self.revisions.iter().collect();
        crate::order::sort_by_key(&mut list, |r| r.number);
        list
    }

    /// The number of revisions kept.
    pub fn len(&self) -> usize {
        self.revisions.len()
    }

    /// Whether no revision is kept.
    pub fn is_empty(&self) -> bool {
        self.revisions.is_empty()
    }

    /// The revision with this hash.
    pub fn by_hash(&self, hash: &str) -> Option<&Revision> {
        self.revisions.iter().find(|r| &*r.hash == hash)
    }

    /// `constructHistory`: the current revision for `template`. An existing revision with
    /// the same template is reused and renumbered above every other one (this is how a
    /// rollback shows up); otherwise a new one is made with the next number, bumping the
    /// collision count while its hash is taken by a different template.
    pub fn current(&mut self, template: &PodTemplateSpec, change_cause: Option<&str>) -> Arc<str> {
        let data = template_data(template);
        let next = self
            .revisions
            .iter()
            .filter(|r| r.data != data)
            .map(|r| r.number)
            .max()
            .unwrap_or(0)
            + 1;
        if let Some(existing) = self.revisions.iter_mut().find(|r| r.data == data) {
            existing.number = existing.number.max(next);
            return Arc::clone(&existing.hash);
        }
        let mut hash = template_hash(&data, self.collision_count);
        while self.revisions.iter().any(|r| *r.hash == *hash) {
            self.collision_count = Some(self.collision_count.unwrap_or(0).saturating_add(1));
            hash = template_hash(&data, self.collision_count);
        }
        let hash: Arc<str> = Arc::from(hash);
        self.revisions.push(Revision {
            number: next,
            hash: Arc::clone(&hash),
            template: template.clone(),
            change_cause: change_cause.map(str::to_owned),
            data,
        });
        hash
    }

    /// Starts the history with the DaemonSet's live template as revision 1, under the
    /// hash its pods already carry when a cluster dump shows it (upstream hashes cannot be
    /// recomputed here), else under [`template_hash`].
    pub fn start(
        template: &PodTemplateSpec,
        change_cause: Option<&str>,
        live_hash: Option<&str>,
        collision_count: Option<i32>,
    ) -> (Self, Arc<str>) {
        let data = template_data(template);
        let hash: Arc<str> = match live_hash {
            Some(h) => Arc::from(h),
            None => Arc::from(template_hash(&data, collision_count)),
        };
        let history = Self {
            revisions: vec![Revision {
                number: 1,
                hash: Arc::clone(&hash),
                template: template.clone(),
                change_cause: change_cause.map(str::to_owned),
                data,
            }],
            collision_count,
        };
        (history, hash)
    }

    /// `cleanupHistory`: deletes the oldest revisions beyond `limit` old ones, skipping
    /// those whose hash a pod still carries. The current revision is never deleted.
    pub fn cleanup(&mut self, current: &str, limit: i64, live: &dyn Fn(&str) -> bool) {
        let old = self
            .revisions
            .iter()
            .filter(|r| &*r.hash != current)
            .count();
        let mut to_kill = i64::try_from(old).unwrap_or(i64::MAX) - limit.max(0);
        if to_kill <= 0 {
            return;
        }
        let mut order: Vec<(i64, Arc<str>)> = self
            .revisions
            .iter()
            .filter(|r| &*r.hash != current)
            .map(|r| (r.number, Arc::clone(&r.hash)))
            .collect();
        crate::order::sort(&mut order);
        for (_, hash) in order {
            if to_kill <= 0 {
                break;
            }
            if live(&hash) {
                continue;
            }
            self.revisions.retain(|r| r.hash != hash);
            to_kill -= 1;
        }
    }

    /// The revision `kubectl rollout undo --to-revision=N` goes back to from `current`
    /// (0: the one before the current).
    ///
    /// # Errors
    /// kubectl's messages: no such revision, or nothing to roll back to.
    pub fn rollback_target(&self, current: &str, to_revision: i64) -> Result<&Revision, String> {
        if to_revision < 0 {
            return Err(format!(
                "unable to find specified revision {to_revision} in history"
            ));
        }
        if to_revision > 0 {
            return self
                .revisions
                .iter()
                .find(|r| r.number == to_revision)
                .ok_or_else(|| {
                    format!("unable to find specified revision {to_revision} in history")
                });
        }
        if self.revisions.len() <= 1 {
            return Err("no last revision to roll back to".to_owned());
        }
        self.revisions
            .iter()
            .filter(|r| &*r.hash != current)
            .max_by_key(|r| r.number)
            .ok_or_else(|| "no last revision to roll back to".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodSpec};

    fn template(image: &str) -> PodTemplateSpec {
        PodTemplateSpec {
            metadata: None,
            spec: Some(PodSpec {
                containers: vec![Container {
                    name: "c".into(),
                    image: Some(image.into()),
                    ..Container::default()
                }],
                ..PodSpec::default()
            }),
        }
    }

    #[test]
    fn hashes_use_the_safe_alphabet_and_change_with_the_template() {
        let a = template_hash(&template_data(&template("a:1")), None);
        let b = template_hash(&template_data(&template("a:2")), None);
        assert_ne!(a, b);
        for h in [&a, &b] {
            assert!((1..=10).contains(&h.len()), "{h}");
            assert!(h.chars().all(|c| "456789bcdf".contains(c)), "{h}");
        }
        assert_ne!(a, template_hash(&template_data(&template("a:1")), Some(1)));
    }

    #[test]
    fn a_template_seen_before_is_renumbered_not_recreated() {
        let (mut h, one) = History::start(&template("a:1"), None, None, None);
        let two = h.current(&template("a:2"), None);
        assert_eq!(h.rollback_target(&two, 0).map(|r| r.number), Ok(1));
        let back = h.current(&template("a:1"), None);
        assert_eq!(back, one);
        let numbers: Vec<(i64, &str)> =
            h.revisions().iter().map(|r| (r.number, &*r.hash)).collect();
        assert_eq!(numbers, vec![(2, &*two), (3, &*one)]);
    }

    #[test]
    fn cleanup_keeps_the_limit_and_live_hashes() {
        let mut h = History::default();
        let hashes: Vec<Arc<str>> = (0..5)
            .map(|i| h.current(&template(&format!("a:{i}")), None))
            .collect();
        let live = Arc::clone(&hashes[0]);
        h.cleanup(&hashes[4], 1, &|x| x == &*live);
        let left: Vec<i64> = h.revisions().iter().map(|r| r.number).collect();
        // Four old revisions, limit 1: three go, oldest first, skipping the live one.
        assert_eq!(left, vec![1, 5]);
    }

    #[test]
    fn rollback_errors_use_kubectl_words() {
        let (h, one) = History::start(&template("a:1"), None, Some("abc"), None);
        assert_eq!(&*one, "abc");
        assert_eq!(
            h.rollback_target(&one, 0).map(|r| r.number),
            Err("no last revision to roll back to".to_owned())
        );
        assert_eq!(
            h.rollback_target(&one, 7).map(|r| r.number),
            Err("unable to find specified revision 7 in history".to_owned())
        );
    }
}
