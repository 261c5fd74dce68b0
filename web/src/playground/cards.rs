//! Node cards: one per node, with its role, key labels, taints, the daemon pod's badge and
//! the reasons in Kubernetes' words, and during a rollout the faults to inject at the
//! moment shown. Stable hooks: `data-node`, `data-pod`, `data-updated`, and `data-action`
//! on the buttons.

use super::faults::Fault;
use yew::{html, Html};

/// What one card shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// Node name.
    pub name: String,
    /// Role(s).
    pub role: String,
    /// Key labels.
    pub labels: Vec<String>,
    /// Taints as `key=value:Effect` (during a rollout, at the moment shown).
    pub taints: Vec<String>,
    /// Cordoned in the cluster as edited (what its cordon button undoes).
    pub cordoned: bool,
    /// What to flag about the node at the moment shown: `cordoned`, `NotReady`.
    pub flags: Vec<&'static str>,
    /// `running`, `pending` or `none`.
    pub pod: &'static str,
    /// During a rollout: the node's pod is on the new revision and available.
    pub updated: Option<bool>,
    /// The daemon pods on the node during a rollout (`name (revision, state)`).
    pub pods: Vec<String>,
    /// Why, in Kubernetes' words.
    pub reasons: Vec<String>,
}

/// Renders a card; `on_edit` receives the kubectl command of its buttons.
/// During a rollout `on_fault` receives a fault chosen on the card, with the node's name.
pub fn card(
    c: &Card,
    on_edit: &yew::Callback<String>,
    on_fault: &yew::Callback<(Fault, String)>,
) -> Html {
    let fault_button = |fault: Fault| {
        let on_fault = on_fault.clone();
        let name = c.name.clone();
        let onclick = yew::Callback::from(move |_: yew::MouseEvent| {
            on_fault.emit((fault, name.clone()));
        });
        html! {
            <button type="button" class="small" {onclick} data-action={fault.hook()} title={fault.title()}>{ fault.label() }</button>
        }
    };
    let cordon = {
        let on_edit = on_edit.clone();
        let command = if c.cordoned {
            format!("uncordon {}", c.name)
        } else {
            format!("cordon {}", c.name)
        };
        yew::Callback::from(move |_: yew::MouseEvent| on_edit.emit(command.clone()))
    };
    let remove = {
        let on_edit = on_edit.clone();
        let command = format!("delete node {}", c.name);
        yew::Callback::from(move |_: yew::MouseEvent| on_edit.emit(command.clone()))
    };
    let updated = c.updated.map(|u| if u { "true" } else { "false" });
    let badge = match c.pod {
        "running" => "pod running",
        "pending" => "pod pending",
        _ => "no pod",
    };
    html! {
        <article class="node" data-node={c.name.clone()} data-pod={c.pod} data-updated={updated}>
            <header>
                <h3>{ &c.name }</h3>
                <span class="role">{ &c.role }</span>
                { for c.flags.iter().map(|f| html! { <span class="flag" data-flag={*f}>{ *f }</span> }) }
                <span class={format!("badge {}", c.pod)}>{ badge }</span>
            </header>
            if !c.labels.is_empty() {
                <p class="labels">{ for c.labels.iter().map(|l| html! { <code>{ l }</code> }) }</p>
            }
            if !c.taints.is_empty() {
                <p class="taints">{ for c.taints.iter().map(|t| html! { <code>{ t }</code> }) }</p>
            }
            if !c.pods.is_empty() {
                <ul class="pods">{ for c.pods.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
            }
            if !c.reasons.is_empty() {
                <ul class="reasons">{ for c.reasons.iter().map(|r| html! { <li>{ r }</li> }) }</ul>
            }
            <p class="actions">
                <button type="button" class="small" onclick={cordon} data-action="cordon">{ if c.cordoned { "uncordon" } else { "cordon" } }</button>
                <button type="button" class="small" onclick={remove} data-action="delete-node">{ "delete" }</button>
            </p>
            if c.updated.is_some() {
                <p class="actions inject">
                    <span class="hint">{ "fault now:" }</span>
                    { for Fault::ALL.into_iter()
                        .filter(|f| *f != Fault::DeletePod || !c.pods.is_empty())
                        .map(fault_button) }
                </p>
            }
        </article>
    }
}
