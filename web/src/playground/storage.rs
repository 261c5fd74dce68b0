//! Keeping what the user typed across reloads. Texts up to [`MAX_LOCAL`] go into
//! `localStorage`; larger ones (a loaded cluster dump runs to tens of MB, beyond what
//! `localStorage` holds) go into IndexedDB, with a marker in `localStorage` that says so
//! and how large the text is. Nothing leaves the browser.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

/// The largest text kept in `localStorage` (browsers allow about 5 MB in all).
pub const MAX_LOCAL: usize = 2 * 1024 * 1024;

/// Milliseconds a large text waits before it is written, so that typing into a large text
/// writes it once, when the typing pauses.
const LARGE_SAVE_DELAY_MS: u64 = 500;

/// The IndexedDB database and object store that hold the large texts.
const DB: &str = "daemonset-sim";
const STORE: &str = "texts";

/// A text saved under a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Saved {
    /// The text itself, from `localStorage`.
    Local(String),
    /// A large text in IndexedDB, of this many bytes, to [`load_large`].
    Large(usize),
}

/// Per item: how many saves were asked for, and the text saved last.
type Saves = HashMap<String, (u64, Option<Rc<str>>)>;

thread_local! {
    /// The saves so far, so that the same text is not written twice and a slow large write
    /// never overtakes a later save.
    static SAVES: RefCell<Saves> = RefCell::new(HashMap::new());
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn item(key: &str, name: &str) -> String {
    format!("{key}:{name}")
}

fn marker(key: &str, name: &str) -> String {
    format!("{key}:{name}:indexeddb")
}

/// What is saved as `name` under `key`, if anything.
pub fn saved(key: &str, name: &str) -> Option<Saved> {
    let storage = local()?;
    if let Some(size) = storage.get_item(&marker(key, name)).ok().flatten() {
        return Some(Saved::Large(size.parse().unwrap_or(0)));
    }
    storage
        .get_item(&item(key, name))
        .ok()
        .flatten()
        .map(Saved::Local)
}

/// Remembers `text` as what is saved as `name` under `key` (it was just read from there).
pub fn restored(key: &str, name: &str, text: &Rc<str>) {
    SAVES.with(|s| {
        let mut saves = s.borrow_mut();
        let entry = saves.entry(item(key, name)).or_insert((0, None));
        entry.1 = Some(Rc::clone(text));
    });
}

/// Saves `text` as `name` under `key`: at once in `localStorage` when it fits, else in
/// IndexedDB a moment later (unless a later save supersedes it). Saving the text saved
/// last does nothing.
pub fn save(key: &str, name: &str, text: &Rc<str>) {
    let id = item(key, name);
    let Some(generation) = SAVES.with(|s| {
        let mut saves = s.borrow_mut();
        let entry = saves.entry(id.clone()).or_insert((0, None));
        if entry.1.as_ref().is_some_and(|last| Rc::ptr_eq(last, text)) {
            return None;
        }
        entry.0 += 1;
        entry.1 = Some(Rc::clone(text));
        Some(entry.0)
    }) else {
        return;
    };
    let Some(storage) = local() else { return };
    if text.len() <= MAX_LOCAL {
        let _ = storage.set_item(&id, text);
        let was_large = storage
            .get_item(&marker(key, name))
            .ok()
            .flatten()
            .is_some();
        let _ = storage.remove_item(&marker(key, name));
        if was_large {
            // The large text it replaces is no longer needed.
            yew::platform::spawn_local(async move {
                let _ = delete(&id).await;
            });
        }
        return;
    }
    let current = move || SAVES.with(|s| s.borrow().get(&id).map(|e| e.0)) == Some(generation);
    let (key, name, text) = (key.to_owned(), name.to_owned(), Rc::clone(text));
    yew::platform::spawn_local(async move {
        yew::platform::time::sleep(std::time::Duration::from_millis(LARGE_SAVE_DELAY_MS)).await;
        if !current() {
            return;
        }
        if put(&item(&key, &name), text.as_bytes()).await.is_ok() && current() {
            let _ = storage.set_item(&marker(&key, &name), &text.len().to_string());
            let _ = storage.remove_item(&item(&key, &name));
        }
    });
}

/// Reads back a large text saved as `name` under `key` (bytes that are not UTF-8 become
/// U+FFFD); `None` when it is not there (the browser's storage was cleared).
pub async fn load_large(key: &str, name: &str) -> Option<String> {
    let bytes = get(&item(key, name)).await.ok()??;
    Some(super::lossy_text(bytes))
}

/// Waits until `target` fires one of `events`; the first one decides (`Ok` for `success`
/// and `complete`, `Err` for the others).
async fn fired(target: &web_sys::EventTarget, events: &[&str]) -> Result<(), JsValue> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        for event in events {
            let done = if matches!(*event, "success" | "complete") {
                resolve.clone()
            } else {
                reject.clone()
            };
            let callback =
                Closure::once_into_js(move |e: web_sys::Event| done.call1(&JsValue::NULL, &e));
            let _ = target.add_event_listener_with_callback(event, callback.unchecked_ref());
        }
    });
    JsFuture::from(promise).await.map(|_| ())
}

/// Opens the database, creating its store the first time.
async fn open() -> Result<IdbDatabase, JsValue> {
    let factory = web_sys::window()
        .ok_or_else(|| JsValue::from_str("no window"))?
        .indexed_db()?
        .ok_or_else(|| JsValue::from_str("no IndexedDB"))?;
    let request = factory.open_with_u32(DB, 1)?;
    let upgrade = Closure::once_into_js(move |e: web_sys::Event| {
        let db = e
            .target()
            .and_then(|t| t.dyn_into::<IdbRequest>().ok())
            .and_then(|r| r.result().ok())
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok());
        if let Some(db) = db {
            let _ = db.create_object_store(STORE);
        }
    });
    request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    fired(&request, &["success", "error", "blocked"]).await?;
    request.result()?.dyn_into::<IdbDatabase>()
}

async fn put(id: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let db = open().await?;
    let transaction: IdbTransaction =
        db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?;
    transaction
        .object_store(STORE)?
        .put_with_key(&js_sys::Uint8Array::from(bytes), &JsValue::from_str(id))?;
    let written = fired(&transaction, &["complete", "error", "abort"]).await;
    db.close();
    written
}

async fn delete(id: &str) -> Result<(), JsValue> {
    let db = open().await?;
    let transaction: IdbTransaction =
        db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?;
    transaction
        .object_store(STORE)?
        .delete(&JsValue::from_str(id))?;
    let done = fired(&transaction, &["complete", "error", "abort"]).await;
    db.close();
    done
}

async fn get(id: &str) -> Result<Option<Vec<u8>>, JsValue> {
    let db = open().await?;
    let request = db
        .transaction_with_str(STORE)?
        .object_store(STORE)?
        .get(&JsValue::from_str(id))?;
    let read = fired(&request, &["success", "error"]).await;
    db.close();
    read?;
    Ok(request
        .result()?
        .dyn_into::<js_sys::Uint8Array>()
        .ok()
        .map(|a| a.to_vec()))
}
