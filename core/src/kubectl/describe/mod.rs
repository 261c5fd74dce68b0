//! `kubectl describe`, following `staging/src/k8s.io/kubectl/pkg/describe/describe.go`:
//! the same field lines, in the same order, through the same tab writer (padding 2), with
//! `DescribePodTemplate`, `describeContainers`, `describeVolumes`, the multi-line label,
//! annotation, taint and toleration printers, and `DescribeEvents`.

pub mod daemon_set;
pub mod namespace;
pub mod node;
pub mod pod;

use super::clock::human_duration;
use super::tabwriter::TabWriter;
use crate::rollout::Millis;
use k8s_openapi::api::core::v1::{
    Container, PodSpec, PodTemplateSpec, Probe, ResourceRequirements, Taint, Toleration, Volume,
};
use std::collections::BTreeMap;

/// kubectl's `PrefixWriter`: every write is indented by two spaces per level, through the
/// tab writer (descriptions) or as is (`rollout history --revision`, which has none).
pub struct Writer {
    w: Option<TabWriter>,
    raw: String,
}

impl Default for Writer {
    fn default() -> Self {
        Self {
            w: Some(TabWriter::for_descriptions()),
            raw: String::new(),
        }
    }
}

impl Writer {
    /// A writer that keeps tabs as they are.
    pub fn raw() -> Self {
        Self {
            w: None,
            raw: String::new(),
        }
    }

    fn put(&mut self, text: &str) {
        match self.w.as_mut() {
            Some(w) => w.write(text),
            None => self.raw.push_str(text),
        }
    }

    /// Writes `text` indented by `level` levels.
    pub fn write(&mut self, level: usize, text: &str) {
        self.put(&"  ".repeat(level));
        self.put(text);
    }

    /// `WriteLine`: the text and a newline, without indentation.
    pub fn line(&mut self, text: &str) {
        self.put(text);
        self.put("\n");
    }

    /// Aligns what was written so far.
    pub fn flush(&mut self) {
        if let Some(w) = self.w.as_mut() {
            w.flush();
        }
    }

    /// The finished description.
    pub fn finish(self) -> String {
        match self.w {
            Some(w) => w.finish(),
            None => self.raw,
        }
    }
}

/// `printLabelsMultiline`: `Title:\tk=v`, further labels on their own lines, sorted;
/// `<none>` when there are none.
pub fn labels_multiline(w: &mut Writer, title: &str, labels: Option<&BTreeMap<String, String>>) {
    w.write(0, &format!("{title}:\t"));
    match labels.filter(|l| !l.is_empty()) {
        None => w.line("<none>"),
        Some(labels) => {
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    w.write(0, "\t");
                }
                w.write(0, &format!("{k}={v}\n"));
            }
        }
    }
}

/// The longest annotation shown on one line (`maxAnnotationLen`).
const MAX_ANNOTATION_LEN: usize = 140;

/// `printAnnotationsMultiline`: like labels with `: `, skipping the last-applied
/// configuration, long or multi-line values on indented lines cut at 140 characters.
pub fn annotations_multiline(
    w: &mut Writer,
    title: &str,
    annotations: Option<&BTreeMap<String, String>>,
) {
    w.write(0, &format!("{title}:\t"));
    let keys: Vec<(&String, &String)> = annotations
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.as_str() != super::defaults::LAST_APPLIED)
        .collect();
    if keys.is_empty() {
        w.line("<none>");
        return;
    }
    for (i, (key, value)) in keys.into_iter().enumerate() {
        if i > 0 {
            w.write(0, "\t");
        }
        let value = value.strip_suffix('\n').unwrap_or(value);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.write(0, &format!("{key}:\n"));
            for s in value.split('\n') {
                let shown = if s.len() > MAX_ANNOTATION_LEN - 2 {
                    let mut cut = MAX_ANNOTATION_LEN - 2;
                    while !s.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    format!("{}...", &s[..cut])
                } else {
                    s.to_owned()
                };
                w.write(0, &format!("\t  {shown}\n"));
            }
        } else {
            w.write(0, &format!("{key}: {value}\n"));
        }
    }
}

/// `Taint.ToString()`: `key=value:Effect`, `key:Effect`, `key=value` or `key`.
pub fn taint_string(t: &Taint) -> String {
    let mut s = t.key.clone();
    if let Some(v) = t.value.as_deref().filter(|v| !v.is_empty()) {
        s.push('=');
        s.push_str(v);
    }
    if !t.effect.is_empty() {
        s.push(':');
        s.push_str(&t.effect);
    }
    s
}

/// `printNodeTaintsMultiline`: sorted by effect then key.
pub fn taints_multiline(w: &mut Writer, title: &str, taints: &[Taint]) {
    w.write(0, &format!("{title}:\t"));
    if taints.is_empty() {
        w.line("<none>");
        return;
    }
    let mut sorted: Vec<&Taint> = taints.iter().collect();
    crate::order::sort_by(&mut sorted, |a, b| {
        format!("{},{}", a.effect, a.key).cmp(&format!("{},{}", b.effect, b.key))
    });
    for (i, t) in sorted.into_iter().enumerate() {
        if i > 0 {
            w.write(0, "\t");
        }
        w.write(0, &format!("{}\n", taint_string(t)));
    }
}

/// `printTolerationsMultilineWithIndent`: sorted by key, `key=value:Effect op=Exists for Ns`.
pub fn tolerations_multiline(w: &mut Writer, title: &str, tolerations: &[Toleration]) {
    w.write(0, &format!("{title}:\t"));
    if tolerations.is_empty() {
        w.line("<none>");
        return;
    }
    let mut sorted: Vec<&Toleration> = tolerations.iter().collect();
    crate::order::sort_by(&mut sorted, |a, b| a.key.cmp(&b.key));
    for (i, t) in sorted.into_iter().enumerate() {
        if i > 0 {
            w.write(0, "\t");
        }
        let key = t.key.as_deref().unwrap_or("");
        let value = t.value.as_deref().unwrap_or("");
        let effect = t.effect.as_deref().unwrap_or("");
        let mut s = key.to_owned();
        if !value.is_empty() {
            s.push('=');
            s.push_str(value);
        }
        if !effect.is_empty() {
            s.push(':');
            s.push_str(effect);
        }
        if t.operator.as_deref() == Some("Exists") && value.is_empty() {
            if !key.is_empty() || !effect.is_empty() {
                s.push_str(" op=Exists");
            } else {
                s.push_str("op=Exists");
            }
        }
        if let Some(seconds) = t.toleration_seconds {
            s.push_str(&format!(" for {seconds}s"));
        }
        w.write(0, &format!("{s}\n"));
    }
}

/// One event as `DescribeEvents` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// `Normal` or `Warning`.
    pub type_: String,
    /// The reason.
    pub reason: String,
    /// First seen, in session time.
    pub first: Millis,
    /// Last seen, in session time.
    pub last: Millis,
    /// How many times.
    pub count: u32,
    /// The reporting component.
    pub from: String,
    /// The message.
    pub message: String,
}

/// How long the API server keeps events (`--event-ttl`, one hour by default).
pub const EVENT_TTL: Millis = 3_600_000;

/// `DescribeEvents`: `Events:\t<none>`, or after a flush, the table sorted by last seen.
pub fn events(w: &mut Writer, rows: &[EventRow], now: Millis) {
    let mut rows: Vec<&EventRow> = rows
        .iter()
        .filter(|r| r.last <= now && now - r.last < EVENT_TTL)
        .collect();
    if rows.is_empty() {
        w.write(0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    crate::order::sort_by_key(&mut rows, |r| r.last);
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(1, "----\t------\t----\t----\t-------\n");
    for r in rows {
        let first = human_duration(now - r.first);
        let interval = if r.count > 1 {
            format!(
                "{} (x{} over {first})",
                human_duration(now - r.last),
                r.count
            )
        } else {
            first
        };
        w.write(
            1,
            &format!(
                "{}\t{}\t{interval}\t{}\t{}\n",
                r.type_,
                r.reason,
                r.from,
                r.message.trim()
            ),
        );
    }
}

/// `DescribePodTemplate`.
pub fn pod_template(w: &mut Writer, template: &PodTemplateSpec) {
    w.write(0, "Pod Template:\n");
    let meta = template.metadata.as_ref();
    labels_multiline(w, "  Labels", meta.and_then(|m| m.labels.as_ref()));
    if meta
        .and_then(|m| m.annotations.as_ref())
        .is_some_and(|a| !a.is_empty())
    {
        annotations_multiline(
            w,
            "  Annotations",
            meta.and_then(|m| m.annotations.as_ref()),
        );
    }
    let empty = PodSpec::default();
    let spec = template.spec.as_ref().unwrap_or(&empty);
    if let Some(sa) = spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.write(1, &format!("Service Account:\t{sa}\n"));
    }
    if let Some(init) = spec.init_containers.as_ref().filter(|c| !c.is_empty()) {
        containers(w, "Init Containers", init, &[], "  ");
    }
    containers(w, "Containers", &spec.containers, &[], "  ");
    volumes(w, spec.volumes.as_deref().unwrap_or_default(), "  ");
    if let Some(class) = spec
        .priority_class_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.write(1, &format!("Priority Class Name:\t{class}\n"));
    }
    labels_multiline(w, "  Node-Selectors", spec.node_selector.as_ref());
    tolerations_multiline(
        w,
        "  Tolerations",
        spec.tolerations.as_deref().unwrap_or_default(),
    );
}

fn ports(container: &Container, host: bool) -> String {
    container
        .ports
        .iter()
        .flatten()
        .map(|p| {
            let number = if host {
                p.host_port.unwrap_or(0)
            } else {
                p.container_port
            };
            let mut s = format!("{number}/{}", p.protocol.as_deref().unwrap_or("TCP"));
            if let Some(name) = p.name.as_deref().filter(|n| !n.is_empty()) {
                s.push_str(&format!(" ({name})"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn or_none(s: String) -> String {
    if s.is_empty() {
        "<none>".to_owned()
    } else {
        s
    }
}

/// A container's status as `describeContainerState` needs it.
pub struct ContainerView {
    /// The container name.
    pub name: String,
    /// `Container ID`.
    pub container_id: String,
    /// `Image ID`.
    pub image_id: String,
    /// `State:` and its detail lines (`Started:`, `Reason:`).
    pub state: Vec<(String, String)>,
    /// Ready.
    pub ready: bool,
    /// Restarts.
    pub restarts: i32,
}

/// `describeContainers`.
pub fn containers(
    w: &mut Writer,
    label: &str,
    list: &[Container],
    statuses: &[ContainerView],
    space: &str,
) {
    let none = if list.is_empty() { " <none>" } else { "" };
    w.write(0, &format!("{space}{label}:{none}\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in list {
        let status = statuses.iter().find(|s| s.name == c.name);
        w.write(1, &format!("{name_indent}{}:\n", c.name));
        if let Some(s) = status {
            w.write(2, &format!("Container ID:\t{}\n", s.container_id));
        }
        w.write(
            2,
            &format!("Image:\t{}\n", c.image.as_deref().unwrap_or("")),
        );
        if let Some(s) = status {
            w.write(2, &format!("Image ID:\t{}\n", s.image_id));
        }
        let port = ports(c, false);
        if port.contains(',') {
            w.write(2, &format!("Ports:\t{port}\n"));
        } else {
            w.write(2, &format!("Port:\t{}\n", or_none(port)));
        }
        let host = ports(c, true);
        if host.contains(',') {
            w.write(2, &format!("Host Ports:\t{host}\n"));
        } else {
            w.write(2, &format!("Host Port:\t{}\n", or_none(host)));
        }
        if let Some(command) = c.command.as_ref().filter(|c| !c.is_empty()) {
            w.write(2, "Command:\n");
            for part in command {
                for s in part.split('\n') {
                    w.write(3, &format!("{s}\n"));
                }
            }
        }
        if let Some(args) = c.args.as_ref().filter(|a| !a.is_empty()) {
            w.write(2, "Args:\n");
            for part in args {
                for s in part.split('\n') {
                    w.write(3, &format!("{s}\n"));
                }
            }
        }
        if let Some(s) = status {
            for (i, (k, v)) in s.state.iter().enumerate() {
                let level = if i == 0 { 2 } else { 3 };
                w.write(level, &format!("{k}:\t{v}\n"));
            }
            w.write(
                2,
                &format!("Ready:\t{}\n", if s.ready { "True" } else { "False" }),
            );
            w.write(2, &format!("Restart Count:\t{}\n", s.restarts));
        }
        resources(w, c.resources.as_ref(), 2);
        for (title, probe) in [
            ("Liveness", c.liveness_probe.as_ref()),
            ("Readiness", c.readiness_probe.as_ref()),
            ("Startup", c.startup_probe.as_ref()),
        ] {
            if let Some(p) = probe {
                w.write(2, &format!("{title}:\t{}\n", describe_probe(p)));
            }
        }
        environment(w, c);
        mounts(w, c);
    }
}

/// `describeResources`: limits then requests, by resource name.
pub fn resources(w: &mut Writer, resources: Option<&ResourceRequirements>, level: usize) {
    let Some(r) = resources else {
        return;
    };
    for (title, list) in [
        ("Limits", r.limits.as_ref()),
        ("Requests", r.requests.as_ref()),
    ] {
        if let Some(list) = list.filter(|l| !l.is_empty()) {
            w.write(level, &format!("{title}:\n"));
            for (name, q) in list {
                w.write(level + 1, &format!("{name}:\t{}\n", q.0));
            }
        }
    }
}

/// `DescribeProbe`.
pub fn describe_probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(0),
        p.period_seconds.unwrap_or(0),
        p.success_threshold.unwrap_or(0),
        p.failure_threshold.unwrap_or(0)
    );
    if let Some(exec) = &p.exec {
        return format!(
            "exec [{}] {attrs}",
            exec.command.clone().unwrap_or_default().join(" ")
        );
    }
    if let Some(http) = &p.http_get {
        let scheme = http.scheme.as_deref().unwrap_or("").to_lowercase();
        let port = match &http.port {
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i) => i.to_string(),
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s.clone(),
        };
        let host = http.host.as_deref().unwrap_or("");
        let path = http.path.as_deref().unwrap_or("");
        return format!("http-get {scheme}://{host}:{port}{path} {attrs}");
    }
    if let Some(tcp) = &p.tcp_socket {
        let port = match &tcp.port {
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i) => i.to_string(),
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s.clone(),
        };
        return format!(
            "tcp-socket {}:{port} {attrs}",
            tcp.host.as_deref().unwrap_or("")
        );
    }
    if let Some(grpc) = &p.grpc {
        return format!(
            "grpc <pod>:{} {} {attrs}",
            grpc.port,
            grpc.service.as_deref().unwrap_or("")
        );
    }
    format!("unknown {attrs}")
}

fn environment(w: &mut Writer, c: &Container) {
    let env = c.env.as_deref().unwrap_or_default();
    if let Some(from) = c.env_from.as_ref().filter(|f| !f.is_empty()) {
        w.write(2, "Environment Variables from:\n");
        for e in from {
            let (kind, name, optional) = if let Some(r) = &e.config_map_ref {
                ("ConfigMap", r.name.clone(), r.optional.unwrap_or(false))
            } else if let Some(r) = &e.secret_ref {
                ("Secret", r.name.clone(), r.optional.unwrap_or(false))
            } else {
                ("", String::new(), false)
            };
            match e.prefix.as_deref().filter(|p| !p.is_empty()) {
                None => w.write(3, &format!("{name}\t{kind}\tOptional: {optional}\n")),
                Some(p) => w.write(
                    3,
                    &format!("{name}\t{kind} with prefix '{p}'\tOptional: {optional}\n"),
                ),
            }
        }
    }
    let none = if env.is_empty() { "\t<none>" } else { "" };
    w.write(2, &format!("Environment:{none}\n"));
    for e in env {
        match &e.value_from {
            None => {
                for (i, s) in e.value.as_deref().unwrap_or("").split('\n').enumerate() {
                    if i == 0 {
                        w.write(3, &format!("{}:\t{s}\n", e.name));
                    } else {
                        w.write(3, &format!("\t{s}\n"));
                    }
                }
            }
            Some(from) => {
                if let Some(f) = &from.field_ref {
                    w.write(
                        3,
                        &format!(
                            "{}:\t ({}:{})\n",
                            e.name,
                            f.api_version.as_deref().unwrap_or(""),
                            f.field_path
                        ),
                    );
                } else if let Some(r) = &from.resource_field_ref {
                    w.write(3, &format!("{}:\t ({})\n", e.name, r.resource));
                } else if let Some(s) = &from.secret_key_ref {
                    w.write(
                        3,
                        &format!(
                            "{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                            e.name,
                            s.key,
                            s.name,
                            s.optional.unwrap_or(false)
                        ),
                    );
                } else if let Some(c) = &from.config_map_key_ref {
                    w.write(
                        3,
                        &format!(
                            "{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                            e.name,
                            c.key,
                            c.name,
                            c.optional.unwrap_or(false)
                        ),
                    );
                }
            }
        }
    }
}

fn mounts(w: &mut Writer, c: &Container) {
    let list = c.volume_mounts.as_deref().unwrap_or_default();
    let none = if list.is_empty() { "\t<none>" } else { "" };
    w.write(2, &format!("Mounts:{none}\n"));
    let mut sorted: Vec<_> = list.iter().collect();
    crate::order::sort_by(&mut sorted, |a, b| a.mount_path.cmp(&b.mount_path));
    for m in sorted {
        let mut flags = vec![if m.read_only == Some(true) {
            "ro"
        } else {
            "rw"
        }
        .to_owned()];
        if let Some(sub) = m.sub_path.as_deref().filter(|s| !s.is_empty()) {
            flags.push(format!("path={sub:?}"));
        }
        w.write(
            3,
            &format!("{} from {} ({})\n", m.mount_path, m.name, flags.join(",")),
        );
    }
}

/// `describeVolumes`.
pub fn volumes(w: &mut Writer, list: &[Volume], space: &str) {
    if list.is_empty() {
        w.write(0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.write(0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in list {
        w.write(1, &format!("{name_indent}{}:\n", v.name));
        if let Some(h) = &v.host_path {
            let kind = h.type_.clone().unwrap_or_else(|| "<none>".to_owned());
            w.write(
                2,
                &format!(
                    "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{kind}\n",
                    h.path
                ),
            );
        } else if let Some(e) = &v.empty_dir {
            let size = e
                .size_limit
                .as_ref()
                .map_or_else(|| "<unset>".to_owned(), |q| q.0.clone());
            w.write(
                2,
                &format!(
                    "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n",
                    e.medium.as_deref().unwrap_or("")
                ),
            );
        } else if let Some(s) = &v.secret {
            w.write(
                2,
                &format!(
                    "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                    s.secret_name.as_deref().unwrap_or(""),
                    s.optional.unwrap_or(false)
                ),
            );
        } else if let Some(c) = &v.config_map {
            w.write(
                2,
                &format!(
                    "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                    c.name,
                    c.optional.unwrap_or(false)
                ),
            );
        } else if let Some(p) = &v.projected {
            w.write(
                2,
                "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
            );
            for source in p.sources.iter().flatten() {
                if let Some(s) = &source.secret {
                    w.write(
                        2,
                        &format!(
                            "SecretName:\t{}\n    Optional:\t{}\n",
                            s.name,
                            s.optional.unwrap_or(false)
                        ),
                    );
                } else if source.downward_api.is_some() {
                    w.write(2, "DownwardAPI:\ttrue\n");
                } else if let Some(c) = &source.config_map {
                    w.write(
                        2,
                        &format!(
                            "ConfigMapName:\t{}\n    Optional:\t{}\n",
                            c.name,
                            c.optional.unwrap_or(false)
                        ),
                    );
                } else if let Some(t) = &source.service_account_token {
                    w.write(
                        2,
                        &format!(
                            "TokenExpirationSeconds:\t{}\n",
                            t.expiration_seconds.unwrap_or(0)
                        ),
                    );
                }
            }
        } else if let Some(c) = &v.persistent_volume_claim {
            w.write(
                2,
                &format!(
                    "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                    c.claim_name,
                    c.read_only.unwrap_or(false)
                ),
            );
        } else if let Some(d) = &v.downward_api {
            w.write(
                2,
                "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
            );
            for item in d.items.iter().flatten() {
                if let Some(f) = &item.field_ref {
                    w.write(3, &format!("{} -> {}\n", f.field_path, item.path));
                }
                if let Some(r) = &item.resource_field_ref {
                    w.write(3, &format!("{} -> {}\n", r.resource, item.path));
                }
            }
        } else if let Some(i) = &v.image {
            w.write(
                2,
                &format!(
                    "Type:\tImage (a container image or OCI artifact)\n    Reference:\t{}\n    PullPolicy:\t{}\n",
                    i.reference.as_deref().unwrap_or(""),
                    i.pull_policy.as_deref().unwrap_or("")
                ),
            );
        } else {
            w.write(1, "<unknown>\n");
        }
    }
}

/// `qos.GetPodQOS`: BestEffort without CPU or memory requests and limits, Guaranteed when
/// every container limits both and requests equal limits, Burstable otherwise.
pub fn qos_class(spec: &PodSpec) -> String {
    let containers: Vec<&Container> = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .collect();
    let mut any = false;
    let mut guaranteed = true;
    for c in &containers {
        let r = c.resources.as_ref();
        let limits = r.and_then(|r| r.limits.as_ref());
        let requests = r.and_then(|r| r.requests.as_ref());
        let nonzero = |q: Option<&k8s_openapi::apimachinery::pkg::api::resource::Quantity>| {
            q.is_some_and(|q| crate::quantity::milli_value(&q.0).unwrap_or(0) != 0)
        };
        for name in ["cpu", "memory"] {
            let limit = limits.and_then(|l| l.get(name));
            let request = requests.and_then(|l| l.get(name));
            if nonzero(limit) || nonzero(request) {
                any = true;
            }
            if !nonzero(limit) {
                guaranteed = false;
            }
            if let (Some(req), Some(lim)) = (request, limit) {
                let a = crate::quantity::milli_value(&req.0).unwrap_or(0);
                let b = crate::quantity::milli_value(&lim.0).unwrap_or(0);
                if a != b {
                    guaranteed = false;
                }
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
    .to_owned()
}
