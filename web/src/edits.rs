//! Editing nodes in place, as kubectl would: `cordon`, `uncordon`, `taint`, `label`,
//! `delete node`, and adding a node. Edits are kept as a list applied over the cluster
//! text, so what the user typed is never rewritten.

use daemonset_sim::manifest::Located;
use daemonset_sim::rollout::scenario::parse_taint;
use k8s_openapi::api::core::v1::{Node, Taint};

/// One change to the nodes.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeEdit {
    /// `kubectl cordon NODE` (true) or `uncordon` (false).
    Cordon(String, bool),
    /// `kubectl taint nodes NODE key[=value]:Effect`.
    Taint(String, Taint),
    /// `kubectl taint nodes NODE key[:Effect]-`.
    Untaint(String, String, Option<String>),
    /// `kubectl label nodes NODE key=value` (a value) or `key-` (none).
    Label(String, String, Option<String>),
    /// `kubectl delete node NODE`.
    Remove(String),
    /// A node joins: a copy of another one with a new name.
    Add(String, String),
}

impl NodeEdit {
    /// The command as kubectl is typed.
    pub fn command(&self) -> String {
        match self {
            Self::Cordon(n, true) => format!("kubectl cordon {n}"),
            Self::Cordon(n, false) => format!("kubectl uncordon {n}"),
            Self::Taint(n, t) => format!(
                "kubectl taint nodes {n} {}",
                daemonset_sim::placement::taints::kubectl_form(t)
            ),
            Self::Untaint(n, k, Some(e)) => format!("kubectl taint nodes {n} {k}:{e}-"),
            Self::Untaint(n, k, None) => format!("kubectl taint nodes {n} {k}-"),
            Self::Label(n, k, Some(v)) => format!("kubectl label nodes {n} {k}={v}"),
            Self::Label(n, k, None) => format!("kubectl label nodes {n} {k}-"),
            Self::Remove(n) => format!("kubectl delete node {n}"),
            Self::Add(n, like) => format!("add node {n} (a copy of {like})"),
        }
    }
}

/// Parses a kubectl command (with or without the leading `kubectl`), or
/// `add node NAME LIKE` (also as [`NodeEdit::command`] writes it:
/// `add node NAME (a copy of LIKE)`), so that every edit's command parses back to it.
///
/// # Errors
/// kubectl's wording where it has one, else what is expected.
pub fn parse(line: &str) -> Result<NodeEdit, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let words = match words.first() {
        Some(&"kubectl") => &words[1..],
        _ => &words[..],
    };
    let node_arg = |rest: &[&str]| -> Result<(String, Vec<String>), String> {
        let rest: Vec<&str> = match rest.first() {
            Some(&"node" | &"nodes" | &"no") => rest[1..].to_vec(),
            _ => rest.to_vec(),
        };
        let Some((name, args)) = rest.split_first() else {
            return Err("error: you must specify a node name".to_owned());
        };
        let name = name.strip_prefix("node/").unwrap_or(name);
        Ok((
            name.to_owned(),
            args.iter().map(|s| (*s).to_owned()).collect(),
        ))
    };
    match words {
        ["cordon", rest @ ..] => Ok(NodeEdit::Cordon(node_arg(rest)?.0, true)),
        ["uncordon", rest @ ..] => Ok(NodeEdit::Cordon(node_arg(rest)?.0, false)),
        ["delete", rest @ ..] => {
            let (name, _) = node_arg(rest)?;
            Ok(NodeEdit::Remove(name))
        }
        ["taint", rest @ ..] => {
            let (name, args) = node_arg(rest)?;
            let Some(spec) = args.first() else {
                return Err("error: at least one taint update is required".to_owned());
            };
            match spec.strip_suffix('-') {
                Some(removal) => {
                    let (key, effect) = match removal.split_once(':') {
                        Some((k, e)) => (k.to_owned(), Some(e.to_owned())),
                        None => (removal.to_owned(), None),
                    };
                    Ok(NodeEdit::Untaint(name, key, effect))
                }
                None => Ok(NodeEdit::Taint(
                    name,
                    parse_taint(spec).map_err(|e| format!("error: {e}"))?,
                )),
            }
        }
        ["label", rest @ ..] => {
            let (name, args) = node_arg(rest)?;
            let Some(spec) = args.first() else {
                return Err("error: at least one label update is required".to_owned());
            };
            match (spec.strip_suffix('-'), spec.split_once('=')) {
                (Some(key), _) => Ok(NodeEdit::Label(name, key.to_owned(), None)),
                (None, Some((k, v))) if !k.is_empty() => {
                    Ok(NodeEdit::Label(name, k.to_owned(), Some(v.to_owned())))
                }
                _ => Err(format!("error: invalid label spec: {spec}")),
            }
        }
        ["add", "node" | "nodes", name, like] => Ok(NodeEdit::Add(
            (*name).to_owned(),
            (*like).to_owned(),
        )),
        ["add", "node" | "nodes", name, "(a", "copy", "of", like] => match like.strip_suffix(')')
        {
            Some(like) if !like.is_empty() => {
                Ok(NodeEdit::Add((*name).to_owned(), like.to_owned()))
            }
            _ => Err(format!("error: expected add node NAME LIKE, got {line:?}")),
        },
        ["add", ..] => Err("error: expected add node NAME LIKE (a copy of the node LIKE)".to_owned()),
        _ => Err(
            "this box takes node commands: cordon, uncordon, taint nodes, label nodes, delete node, add node"
                .to_owned(),
        ),
    }
}

fn find<'a>(nodes: &'a mut [Located<Node>], name: &str) -> Result<&'a mut Node, String> {
    nodes
        .iter_mut()
        .map(|l| &mut l.object)
        .find(|n| n.metadata.name.as_deref() == Some(name))
        .ok_or_else(|| format!("Error from server (NotFound): nodes \"{name}\" not found"))
}

/// The taints of the node `name`, created empty when it has none.
fn taints_of<'a>(nodes: &'a mut [Located<Node>], name: &str) -> Result<&'a mut Vec<Taint>, String> {
    let node = find(nodes, name)?;
    Ok(node
        .spec
        .get_or_insert_with(Default::default)
        .taints
        .get_or_insert_with(Vec::new))
}

/// Applies an edit; returns what kubectl prints.
///
/// # Errors
/// kubectl's error for a missing node, a taint that is not there, or a name taken.
pub fn apply(nodes: &mut Vec<Located<Node>>, edit: &NodeEdit) -> Result<String, String> {
    match edit {
        NodeEdit::Cordon(name, on) => {
            let node = find(nodes, name)?;
            let spec = node.spec.get_or_insert_with(Default::default);
            let was = spec.unschedulable == Some(true);
            spec.unschedulable = on.then_some(true);
            let taints = spec.taints.get_or_insert_with(Vec::new);
            taints.retain(|t| t.key != "node.kubernetes.io/unschedulable");
            if *on {
                taints.push(Taint {
                    key: "node.kubernetes.io/unschedulable".into(),
                    value: None,
                    effect: "NoSchedule".into(),
                    time_added: None,
                });
            }
            let verb = if *on { "cordoned" } else { "uncordoned" };
            Ok(if was == *on {
                format!("node/{name} already {verb}")
            } else {
                format!("node/{name} {verb}")
            })
        }
        NodeEdit::Taint(name, taint) => {
            let taints = taints_of(nodes, name)?;
            let before = taints.len();
            taints.retain(|t| !(t.key == taint.key && t.effect == taint.effect));
            let modified = taints.len() != before;
            taints.push(taint.clone());
            Ok(format!(
                "node/{name} {}",
                if modified { "modified" } else { "tainted" }
            ))
        }
        NodeEdit::Untaint(name, key, effect) => {
            let taints = taints_of(nodes, name)?;
            let before = taints.len();
            taints.retain(|t| !(t.key == *key && effect.as_ref().is_none_or(|e| *e == t.effect)));
            if taints.len() == before {
                return Err(format!("error: taint \"{key}\" not found"));
            }
            Ok(format!("node/{name} untainted"))
        }
        NodeEdit::Label(name, key, value) => {
            let node = find(nodes, name)?;
            let labels = node.metadata.labels.get_or_insert_with(Default::default);
            match value {
                Some(v) => {
                    if labels.get(key).is_some_and(|old| old != v) {
                        return Err(format!(
                            "error: '{key}' already has a value ({}), and --overwrite is false",
                            labels.get(key).map_or("", String::as_str)
                        ));
                    }
                    labels.insert(key.clone(), v.clone());
                    Ok(format!("node/{name} labeled"))
                }
                None => {
                    if labels.remove(key).is_none() {
                        return Ok(format!(
                            "label \"{key}\" not found.\nnode/{name} not labeled"
                        ));
                    }
                    Ok(format!("node/{name} unlabeled"))
                }
            }
        }
        NodeEdit::Remove(name) => {
            find(nodes, name)?;
            nodes.retain(|l| l.object.metadata.name.as_deref() != Some(name.as_str()));
            Ok(format!("node \"{name}\" deleted"))
        }
        NodeEdit::Add(name, like) => {
            if find(nodes, name).is_ok() {
                return Err(format!(
                    "Error from server (AlreadyExists): nodes \"{name}\" already exists"
                ));
            }
            let mut copy = nodes
                .iter()
                .find(|l| l.object.metadata.name.as_deref() == Some(like.as_str()))
                .cloned()
                .ok_or_else(|| {
                    format!("Error from server (NotFound): nodes \"{like}\" not found")
                })?;
            copy.object.metadata.name = Some(name.clone());
            if let Some(labels) = copy.object.metadata.labels.as_mut() {
                if labels.contains_key("kubernetes.io/hostname") {
                    labels.insert("kubernetes.io/hostname".into(), name.clone());
                }
            }
            nodes.push(copy);
            Ok(format!("node/{name} joined the cluster"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_parses_back_to_its_edit() {
        let edits = [
            NodeEdit::Cordon("w1".into(), true),
            NodeEdit::Cordon("w1".into(), false),
            NodeEdit::Taint(
                "w1".into(),
                parse_taint("dedicated=db:NoExecute").expect("valid"),
            ),
            NodeEdit::Taint("w1".into(), parse_taint("gpu:NoSchedule").expect("valid")),
            NodeEdit::Untaint("w1".into(), "dedicated".into(), Some("NoExecute".into())),
            NodeEdit::Untaint("w1".into(), "dedicated".into(), None),
            NodeEdit::Label("w1".into(), "zone".into(), Some("a=b".into())),
            NodeEdit::Label("w1".into(), "zone".into(), None),
            NodeEdit::Remove("w1".into()),
            NodeEdit::Add("new-node-1".into(), "w1".into()),
        ];
        for edit in edits {
            assert_eq!(
                parse(&edit.command()),
                Ok(edit.clone()),
                "{}",
                edit.command()
            );
        }
        assert_eq!(
            parse("add node n2 w1"),
            Ok(NodeEdit::Add("n2".into(), "w1".into()))
        );
        for bad in ["add node n2", "add node n2 (a copy of )", "explode w1"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
