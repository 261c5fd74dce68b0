//! Node cards: one per node, with its role, key labels, taints, the daemon pod's badge and
//! the reasons in Kubernetes' words. Stable hooks: `data-node`, `data-pod`, `data-updated`.

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
    /// Taints as `key=value:Effect`.
    pub taints: Vec<String>,
    /// Cordoned.
    pub cordoned: bool,
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
/// During a rollout `on_fault` receives the name of a node made NotReady from its card.
pub fn card(c: &Card, on_edit: &yew::Callback<String>, on_fault: &yew::Callback<String>) -> Html {
    let not_ready = {
        let on_fault = on_fault.clone();
        let name = c.name.clone();
        yew::Callback::from(move |_: yew::MouseEvent| on_fault.emit(name.clone()))
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
                if c.cordoned { <span class="flag">{ "cordoned" }</span> }
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
                if c.updated.is_some() {
                    <button type="button" class="small" onclick={not_ready} data-action="notready" title="The node's kubelet stops reporting at this moment of the rollout">{ "goes NotReady now" }</button>
                }
            </p>
        </article>
    }
}
