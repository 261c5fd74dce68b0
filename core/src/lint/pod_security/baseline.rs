//! The Baseline checks, each as its `check_*.go` in `k8s.io/pod-security-admission/policy`
//! words it at the latest policy version: the forbidden reason, the detail, and the path
//! of the first offending field.

use super::visit::{containers_phrase, join_quote, pluralize, sorted_set, PodView};
use super::{violation, Control, Violation};
use k8s_openapi::api::core::v1::{LifecycleHandler, Probe, SecurityContext};

/// `capabilities_allowed_1_0`: what Baseline lets a container add.
pub const BASELINE_CAPABILITIES: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// The safe sysctls at policy version `latest` (1.37). Each versioned check of
/// `staging/src/k8s.io/pod-security-admission/policy/check_sysctls.go` allows the names of
/// the one before and adds some; the version each entry was added in, and the source:
///
/// - 1.0 (`sysctlsAllowedV1Dot0`): `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
///   `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
///   `net.ipv4.ip_unprivileged_port_start`;
/// - 1.27 (`sysctlsAllowedV1Dot27`): `net.ipv4.ip_local_reserved_ports` (allowed by
///   `TestSysctls_1_27` in `check_sysctls_test.go`, forbidden by the 1.0 check);
/// - 1.29 (`sysctlsAllowedV1Dot29`): `net.ipv4.tcp_keepalive_time`,
///   `net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl`,
///   `net.ipv4.tcp_keepalive_probes` (`fixtureDataV1Dot29` in
///   `test/fixtures_sysctls.go`; kubernetes/kubernetes#118846 and #121240);
/// - 1.32: `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem`
///   (kubernetes/kubernetes#127489: "Pod Security admission allows these sysctl in v1.32+");
/// - 1.37: `net.ipv4.tcp_slow_start_after_idle`,
///   `net.ipv4.tcp_notsent_lowat` (kubernetes/kubernetes#138389; the passing fixture
///   `test/testdata/baseline/v1.37/pass/sysctls1.yaml` sets exactly these two).
pub const SAFE_SYSCTLS: [&str; 14] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
];

/// `selinuxAllowedTypes1_31`.
pub const SELINUX_TYPES: [&str; 5] = [
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

/// The prefix of the deprecated per-container AppArmor annotations.
pub const APPARMOR_ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

/// Runs every Baseline check on `pod`.
pub fn check_all(pod: &PodView<'_>) -> Vec<Violation> {
    [
        app_armor(pod),
        host_namespaces(pod),
        host_ports(pod),
        host_probes(pod),
        privileged(pod),
        se_linux(pod),
        sysctls(pod),
        host_process(pod),
        capabilities(pod),
        host_path_volumes(pod),
        proc_mount(pod, Control::ProcMount),
        seccomp(pod),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// `privileged`: no container may set `securityContext.privileged: true`.
fn privileged(pod: &PodView<'_>) -> Option<Violation> {
    let bad: Vec<_> = pod
        .containers
        .iter()
        .filter(|c| c.security_context.and_then(|s| s.privileged) == Some(true))
        .collect();
    let first = bad.first()?;
    let names: Vec<&str> = bad.iter().map(|c| c.name).collect();
    violation(
        Control::Privileged,
        "privileged",
        format!(
            "{} must not set securityContext.privileged=true",
            containers_phrase(&names)
        ),
        first.field("securityContext.privileged"),
    )
}

/// `hostNamespaces`: hostNetwork, hostPID and hostIPC must be false.
fn host_namespaces(pod: &PodView<'_>) -> Option<Violation> {
    let spec = pod.spec;
    let set: Vec<&str> = [
        ("hostNetwork", spec.host_network),
        ("hostPID", spec.host_pid),
        ("hostIPC", spec.host_ipc),
    ]
    .into_iter()
    .filter(|(_, on)| *on == Some(true))
    .map(|(name, _)| name)
    .collect();
    let first = set.first()?;
    let detail: Vec<String> = set.iter().map(|n| format!("{n}=true")).collect();
    violation(
        Control::HostNamespaces,
        "host namespaces",
        detail.join(", "),
        format!("spec.{first}"),
    )
}

/// `hostPorts`: no container port may take a host port (after the API server's defaulting,
/// which gives `hostNetwork` pods a hostPort for every containerPort).
fn host_ports(pod: &PodView<'_>) -> Option<Violation> {
    let mut names = Vec::new();
    let mut ports = Vec::new();
    let mut first = None;
    for c in &pod.containers {
        let mut bad = false;
        for (j, port) in c.ports.iter().enumerate() {
            if let Some((number, field)) = pod.host_port(c, port) {
                bad = true;
                ports.push(number.to_string());
                first.get_or_insert_with(|| c.field(&format!("ports[{j}].{field}")));
            }
        }
        if bad {
            names.push(c.name);
        }
    }
    let path = first?;
    let ports = sorted_set(ports);
    violation(
        Control::HostPorts,
        "hostPort",
        format!(
            "{} {} {} {}",
            containers_phrase(&names),
            pluralize("uses", "use", names.len()),
            pluralize("hostPort", "hostPorts", ports.len()),
            ports.join(", ")
        ),
        path,
    )
}

/// `hostProbesAndHostLifecycle`: probes and lifecycle handlers may not name a host.
fn host_probes(pod: &PodView<'_>) -> Option<Violation> {
    let mut names = Vec::new();
    let mut hosts = Vec::new();
    let mut first = None;
    for c in &pod.containers {
        let mut found: Vec<(String, String)> = Vec::new();
        for (field, probe) in c.probes {
            found.extend(probe_hosts(probe, field));
        }
        if let Some(lifecycle) = c.lifecycle {
            for (field, handler) in [
                ("lifecycle.postStart", lifecycle.post_start.as_ref()),
                ("lifecycle.preStop", lifecycle.pre_stop.as_ref()),
            ] {
                found.extend(handler_hosts(handler, field));
            }
        }
        if let Some((path, _)) = found.first() {
            first.get_or_insert_with(|| c.field(path));
            names.push(c.name.to_owned());
            hosts.extend(found.into_iter().map(|(_, host)| host));
        }
    }
    let path = first?;
    let names = sorted_set(names);
    let hosts = sorted_set(hosts);
    violation(
        Control::HostProbes,
        "probe or lifecycle host",
        format!(
            "{} {} {} {}",
            containers_phrase(&names),
            pluralize("uses", "use", names.len()),
            pluralize(
                "probe or lifecycle host",
                "probe or lifecycle hosts",
                hosts.len()
            ),
            join_quote(&hosts)
        ),
        path,
    )
}

/// The non-empty hosts of a probe, with their paths under the container.
fn probe_hosts(probe: Option<&Probe>, field: &str) -> Vec<(String, String)> {
    let Some(probe) = probe else {
        return Vec::new();
    };
    let http = probe.http_get.as_ref().and_then(|h| h.host.clone());
    let tcp = probe.tcp_socket.as_ref().and_then(|t| t.host.clone());
    hosts_of(field, http, tcp)
}

/// The non-empty hosts of a lifecycle handler, with their paths under the container.
fn handler_hosts(handler: Option<&LifecycleHandler>, field: &str) -> Vec<(String, String)> {
    let Some(handler) = handler else {
        return Vec::new();
    };
    let http = handler.http_get.as_ref().and_then(|h| h.host.clone());
    let tcp = handler.tcp_socket.as_ref().and_then(|t| t.host.clone());
    hosts_of(field, http, tcp)
}

fn hosts_of(field: &str, http: Option<String>, tcp: Option<String>) -> Vec<(String, String)> {
    [("httpGet", http), ("tcpSocket", tcp)]
        .into_iter()
        .filter_map(|(kind, host)| {
            let host = host.filter(|h| !h.is_empty())?;
            Some((format!("{field}.{kind}.host"), host))
        })
        .collect()
}

/// Who sets a profile type (`appArmorProfile`, `seccompProfile`) other than RuntimeDefault
/// or Localhost: `"pod"` and the containers phrase, the types set, and the first field's
/// path.
fn forbidden_profile_types(
    pod: &PodView<'_>,
    field: &str,
    pod_type: Option<&str>,
    container_type: impl Fn(&SecurityContext) -> Option<&str>,
) -> (Vec<String>, Vec<String>, Option<String>) {
    let allowed = |t: &str| t == "RuntimeDefault" || t == "Localhost";
    let mut setters = Vec::new();
    let mut values = Vec::new();
    let mut first = None;
    if let Some(type_) = pod_type.filter(|t| !allowed(t)) {
        setters.push("pod".to_owned());
        values.push(type_.to_owned());
        first = Some(format!("spec.securityContext.{field}.type"));
    }
    let mut names = Vec::new();
    for c in &pod.containers {
        if let Some(type_) = c
            .security_context
            .and_then(&container_type)
            .filter(|t| !allowed(t))
        {
            names.push(c.name);
            values.push(type_.to_owned());
            first.get_or_insert_with(|| c.field(&format!("securityContext.{field}.type")));
        }
    }
    if !names.is_empty() {
        setters.push(containers_phrase(&names));
    }
    (setters, values, first)
}

/// `appArmorProfile`: the profile fields may only be RuntimeDefault or Localhost, and the
/// deprecated annotations only `runtime/default`, `localhost/*` or empty.
fn app_armor(pod: &PodView<'_>) -> Option<Violation> {
    let (mut setters, values, mut first) = forbidden_profile_types(
        pod,
        "appArmorProfile",
        pod.spec
            .security_context
            .as_ref()
            .and_then(|s| s.app_armor_profile.as_ref())
            .map(|p| p.type_.as_str()),
        |s| s.app_armor_profile.as_ref().map(|p| p.type_.as_str()),
    );
    let mut values = sorted_set(values);
    let mut annotations = Vec::new();
    for (key, value) in pod.meta.annotations.iter().flatten() {
        let ok = value.is_empty() || value == "runtime/default" || value.starts_with("localhost/");
        if key.starts_with(APPARMOR_ANNOTATION_PREFIX) && !ok {
            annotations.push(format!("{key}={value:?}"));
            first.get_or_insert_with(|| format!("metadata.annotations[{key}]"));
        }
    }
    if !annotations.is_empty() {
        crate::order::sort(&mut annotations);
        setters.push(pluralize("annotation", "annotations", annotations.len()).to_owned());
        values.extend(annotations);
    }
    let path = first?;
    violation(
        Control::AppArmor,
        pluralize(
            "forbidden AppArmor profile",
            "forbidden AppArmor profiles",
            values.len(),
        ),
        format!(
            "{} must not set AppArmor profile type to {}",
            setters.join(" and "),
            join_quote(&values)
        ),
        path,
    )
}

/// `seLinuxOptions`: the type must be one of the container types, user and role unset.
fn se_linux(pod: &PodView<'_>) -> Option<Violation> {
    let mut bad_types = Vec::new();
    let mut set_user = false;
    let mut set_role = false;
    let mut first: Option<String> = None;
    let mut check = |opts: &k8s_openapi::api::core::v1::SELinuxOptions, base: &str| {
        let mut valid = true;
        let type_ = opts.type_.as_deref().unwrap_or("");
        if !SELINUX_TYPES.contains(&type_) {
            valid = false;
            bad_types.push(type_.to_owned());
            first.get_or_insert_with(|| format!("{base}.type"));
        }
        if opts.user.as_deref().is_some_and(|u| !u.is_empty()) {
            valid = false;
            set_user = true;
            first.get_or_insert_with(|| format!("{base}.user"));
        }
        if opts.role.as_deref().is_some_and(|r| !r.is_empty()) {
            valid = false;
            set_role = true;
            first.get_or_insert_with(|| format!("{base}.role"));
        }
        valid
    };
    let mut setters = Vec::new();
    if let Some(opts) = pod
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.se_linux_options.as_ref())
    {
        if !check(opts, "spec.securityContext.seLinuxOptions") {
            setters.push("pod".to_owned());
        }
    }
    let mut names = Vec::new();
    for c in &pod.containers {
        if let Some(opts) = c.security_context.and_then(|s| s.se_linux_options.as_ref()) {
            if !check(opts, &c.field("securityContext.seLinuxOptions")) {
                names.push(c.name);
            }
        }
    }
    if !names.is_empty() {
        setters.push(containers_phrase(&names));
    }
    let path = first?;
    let bad_types = sorted_set(bad_types);
    let mut data = Vec::new();
    if !bad_types.is_empty() {
        data.push(format!(
            "{} {}",
            pluralize("type", "types", bad_types.len()),
            join_quote(&bad_types)
        ));
    }
    if set_user {
        data.push("user may not be set".to_owned());
    }
    if set_role {
        data.push("role may not be set".to_owned());
    }
    violation(
        Control::SeLinux,
        "seLinuxOptions",
        format!(
            "{} set forbidden securityContext.seLinuxOptions: {}",
            setters.join(" and "),
            data.join("; ")
        ),
        path,
    )
}

/// `procMount` (Baseline, policy 1.35) and `procMount_restricted`: only the Default
/// /proc mount; Baseline lets pods with `hostUsers: false` use any.
pub fn proc_mount(pod: &PodView<'_>, control: Control) -> Option<Violation> {
    if control == Control::ProcMount && pod.in_user_namespace() {
        return None;
    }
    let mut names = Vec::new();
    let mut types = Vec::new();
    let mut first = None;
    for c in &pod.containers {
        if let Some(kind) = c
            .security_context
            .and_then(|s| s.proc_mount.as_deref())
            .filter(|k| *k != "Default")
        {
            names.push(c.name);
            types.push(kind.to_owned());
            first.get_or_insert_with(|| c.field("securityContext.procMount"));
        }
    }
    let path = first?;
    violation(
        control,
        "procMount",
        format!(
            "{} must not set securityContext.procMount to {}",
            containers_phrase(&names),
            join_quote(&sorted_set(types))
        ),
        path,
    )
}

/// `seccompProfile_baseline` (policy 1.19+): an explicit profile must be RuntimeDefault or
/// Localhost.
fn seccomp(pod: &PodView<'_>) -> Option<Violation> {
    let (setters, values, first) = forbidden_profile_types(
        pod,
        "seccompProfile",
        pod.spec
            .security_context
            .as_ref()
            .and_then(|s| s.seccomp_profile.as_ref())
            .map(|p| p.type_.as_str()),
        |s| s.seccomp_profile.as_ref().map(|p| p.type_.as_str()),
    );
    let path = first?;
    violation(
        Control::Seccomp,
        "seccompProfile",
        format!(
            "{} must not set securityContext.seccompProfile.type to {}",
            setters.join(" and "),
            join_quote(&sorted_set(values))
        ),
        path,
    )
}

/// `sysctls`: only the safe sysctls.
fn sysctls(pod: &PodView<'_>) -> Option<Violation> {
    let list = pod
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.sysctls.as_deref())
        .unwrap_or_default();
    let mut forbidden = Vec::new();
    let mut first = None;
    for (i, sysctl) in list.iter().enumerate() {
        if !SAFE_SYSCTLS.contains(&sysctl.name.as_str()) {
            forbidden.push(sysctl.name.as_str());
            first.get_or_insert_with(|| format!("spec.securityContext.sysctls[{i}].name"));
        }
    }
    let path = first?;
    violation(
        Control::Sysctls,
        "forbidden sysctls",
        forbidden.join(", "),
        path,
    )
}

/// `windowsHostProcess`: no Windows HostProcess containers.
fn host_process(pod: &PodView<'_>) -> Option<Violation> {
    let mut setters = Vec::new();
    let mut first = None;
    if pod
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.windows_options.as_ref())
        .and_then(|w| w.host_process)
        == Some(true)
    {
        setters.push("pod".to_owned());
        first = Some("spec.securityContext.windowsOptions.hostProcess".to_owned());
    }
    let mut names = Vec::new();
    for c in &pod.containers {
        if c.security_context
            .and_then(|s| s.windows_options.as_ref())
            .and_then(|w| w.host_process)
            == Some(true)
        {
            names.push(c.name);
            first.get_or_insert_with(|| c.field("securityContext.windowsOptions.hostProcess"));
        }
    }
    if !names.is_empty() {
        setters.push(containers_phrase(&names));
    }
    let path = first?;
    violation(
        Control::HostProcess,
        "hostProcess",
        format!(
            "{} must not set securityContext.windowsOptions.hostProcess=true",
            setters.join(" and ")
        ),
        path,
    )
}

/// `capabilities_baseline`: only capabilities of the default set may be added.
fn capabilities(pod: &PodView<'_>) -> Option<Violation> {
    let mut names = Vec::new();
    let mut added = Vec::new();
    let mut first = None;
    for c in &pod.containers {
        let add = c
            .security_context
            .and_then(|s| s.capabilities.as_ref())
            .and_then(|caps| caps.add.as_deref())
            .unwrap_or_default();
        let mut bad = false;
        for (k, cap) in add.iter().enumerate() {
            if !BASELINE_CAPABILITIES.contains(&cap.as_str()) {
                bad = true;
                added.push(cap.clone());
                first.get_or_insert_with(|| {
                    c.field(&format!("securityContext.capabilities.add[{k}]"))
                });
            }
        }
        if bad {
            names.push(c.name);
        }
    }
    let path = first?;
    violation(
        Control::Capabilities,
        "non-default capabilities",
        format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&names),
            join_quote(&sorted_set(added))
        ),
        path,
    )
}

/// `hostPathVolumes`: no hostPath volumes.
fn host_path_volumes(pod: &PodView<'_>) -> Option<Violation> {
    let volumes = pod.spec.volumes.as_deref().unwrap_or_default();
    let bad: Vec<(usize, &str)> = volumes
        .iter()
        .enumerate()
        .filter(|(_, v)| v.host_path.is_some())
        .map(|(i, v)| (i, v.name.as_str()))
        .collect();
    let (index, _) = bad.first()?;
    let names: Vec<&str> = bad.iter().map(|(_, n)| *n).collect();
    violation(
        Control::HostPathVolumes,
        "hostPath volumes",
        format!(
            "{} {}",
            pluralize("volume", "volumes", names.len()),
            join_quote(&names)
        ),
        format!("spec.volumes[{index}].hostPath"),
    )
}
