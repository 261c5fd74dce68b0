//! What the rollout shown is simulated from (an update, started by `kubectl set image` or by
//! applying an edited DaemonSet, a broken image, the faults injected since), how it is
//! simulated, and how share links carry it.

use super::analysis::{describe, Analysis, CLUSTER_FILE, DS_FILE};
use super::edits::NodeEdit;
use base64::Engine as _;
use daemonset_sim::manifest::Diagnostic;
use daemonset_sim::rollout::{scenario, simulate, Rollout, RolloutOptions, Update};
use k8s_openapi::api::apps::v1::DaemonSet;
use std::rc::Rc;

/// The name errors give the edited DaemonSet of an update by `kubectl apply`.
pub const UPDATED_FILE: &str = "updated.yaml";

/// What the rollout shown was simulated from: the update as started, and the faults
/// injected since, so that a fault added later, or a share link, replays the same.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scenario {
    /// `CONTAINER=IMAGE[,CONTAINER=IMAGE]` (`kubectl set image`), when not [`Self::to`].
    pub set_image: String,
    /// The edited DaemonSet (`kubectl apply -f updated.yaml`), when the update is that.
    pub to: Option<Rc<str>>,
    /// The new images cannot be pulled.
    pub broken: bool,
    /// Faults as `dsim rollout --at` takes them, in the order injected.
    pub faults: Vec<String>,
}

fn described(errors: &[Diagnostic]) -> String {
    errors.iter().map(describe).collect::<Vec<_>>().join("\n")
}

/// The images of a DaemonSet's pod template (containers and init containers).
fn template_images(ds: &DaemonSet) -> Vec<String> {
    ds.spec
        .template
        .spec
        .as_ref()
        .map(|spec| {
            spec.init_containers
                .iter()
                .flatten()
                .chain(&spec.containers)
                .filter_map(|c| c.image.clone())
                .collect()
        })
        .unwrap_or_default()
}

impl Scenario {
    /// Whether there is an update to simulate.
    pub fn is_update(&self) -> bool {
        self.to.is_some() || !self.set_image.is_empty()
    }

    /// Simulates the scenario over the analysed texts.
    ///
    /// # Errors
    /// What is wrong with the update, the faults or the input, one per line.
    pub fn simulate(&self, analysis: &Analysis) -> Result<Rollout, String> {
        let at = self
            .faults
            .iter()
            .map(|f| scenario::parse_at(f))
            .collect::<Result<Vec<_>, _>>()?;
        let (update, new_images) = match &self.to {
            Some(text) => {
                let update = Update::apply_text(text, UPDATED_FILE).map_err(|e| described(&e))?;
                // The images the edit brings in are the ones that cannot be pulled.
                let old: Vec<String> = analysis
                    .manifests
                    .daemon_sets
                    .iter()
                    .find(|ds| ds.object.metadata.name.as_deref() == Some(&analysis.placement.name))
                    .map(|ds| template_images(&ds.object))
                    .unwrap_or_default();
                let new = match &update {
                    Update::Apply { daemon_set, .. } => template_images(daemon_set),
                    _ => Vec::new(),
                };
                let brought = new.into_iter().filter(|i| !old.contains(i)).collect();
                (update, brought)
            }
            None => {
                let pairs = scenario::parse_images(&self.set_image)?;
                let images = pairs.iter().map(|(_, image)| image.clone()).collect();
                (Update::SetImage(pairs), images)
            }
        };
        let options = RolloutOptions {
            daemon_set: Some(format!(
                "{}/{}",
                analysis.placement.namespace, analysis.placement.name
            )),
            update,
            fail_images: if self.broken { new_images } else { Vec::new() },
            at,
            ..RolloutOptions::default()
        };
        simulate(&analysis.manifests, &[DS_FILE, CLUSTER_FILE], &options)
            .map_err(|daemonset_sim::rollout::RolloutError::Input(errors)| described(&errors))
    }
}

/// Base64url without padding, as share links carry texts.
fn base64url(text: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text.as_bytes())
}

/// `bytes` compressed with raw DEFLATE by the browser's `CompressionStream`, or `None`
/// where the browser has none. (Looked up at run time: web-sys marks the API unstable.)
async fn deflate_raw(bytes: &[u8]) -> Option<Vec<u8>> {
    use wasm_bindgen::{JsCast, JsValue};
    let global = js_sys::global();
    let constructor: js_sys::Function = js_sys::Reflect::get(&global, &"CompressionStream".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let format = js_sys::Array::of1(&JsValue::from_str("deflate-raw"));
    let compressor = js_sys::Reflect::construct(&constructor, &format).ok()?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let input = web_sys::Blob::new_with_u8_array_sequence(&parts)
        .ok()?
        .stream();
    let pipe_through: js_sys::Function = js_sys::Reflect::get(&input, &"pipeThrough".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let output: web_sys::ReadableStream = pipe_through
        .call1(&input, &compressor)
        .ok()?
        .dyn_into()
        .ok()?;
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&output)).ok()?;
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer().ok()?)
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// A text for a share link as `PACKED_KEY=` (base64url of the raw-DEFLATE-compressed UTF-8
/// text) when the browser can compress and that is shorter, else as `PLAIN_KEY=` (base64url
/// of the text as it is), which every version of the page reads.
async fn packed(plain_key: &str, packed_key: &str, text: &str) -> String {
    let plain = base64url(text);
    match deflate_raw(text.as_bytes()).await {
        Some(packed) => {
            let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed);
            if packed.len() < plain.len() {
                format!("{packed_key}={packed}")
            } else {
                format!("{plain_key}={plain}")
            }
        }
        None => format!("{plain_key}={plain}"),
    }
}

/// The share link's fragment: the stream (`z=`, compressed, or `yaml=`), then with a
/// rollout `&setImage=` (or the edited DaemonSet: `&zto=`, compressed, or `&to=`),
/// `&brokenImage=1`, one `&fault=` per fault in order and `&step=`, then one `&edit=` per
/// node edit in order (its kubectl command). Values are URI-encoded.
pub async fn share_hash(
    stream: &str,
    scenario: Option<&Scenario>,
    step: usize,
    edits: &[NodeEdit],
) -> String {
    let mut hash = packed("yaml", "z", stream).await;
    if let Some(s) = scenario.filter(|s| s.is_update()) {
        match &s.to {
            Some(to) => {
                hash.push('&');
                hash.push_str(&packed("to", "zto", to).await);
            }
            None => {
                hash.push_str("&setImage=");
                hash.push_str(&uri_component(&s.set_image));
            }
        }
        if s.broken {
            hash.push_str("&brokenImage=1");
        }
        for fault in &s.faults {
            hash.push_str("&fault=");
            hash.push_str(&uri_component(fault));
        }
        if step > 0 {
            hash.push_str(&format!("&step={step}"));
        }
    }
    for edit in edits {
        hash.push_str("&edit=");
        hash.push_str(&uri_component(&edit.command()));
    }
    hash
}

/// `encodeURIComponent` for the share link's values.
fn uri_component(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'~'
            | b'*'
            | b'\''
            | b'('
            | b')' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
