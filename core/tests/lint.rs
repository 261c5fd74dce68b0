//! `lint`: for every Pod Security Standards control a pod template that passes and one that
//! fails (level, code, path); every best-practice and DaemonSet-specific finding with a
//! case that has it and one that does not; the study guide's examples; `dsim lint`'s exit
//! codes and JSON.
#![cfg(not(target_arch = "wasm32"))]

use daemonset_sim::lint::{lint, Finding, Level, LintReport, LintedObject, Severity};
use daemonset_sim::manifest::{self, Source};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};

/// Reads `text` and lints it.
fn lint_text(text: &str) -> LintReport {
    let sources = [Source {
        name: "input.yaml",
        text,
    }];
    let manifests = manifest::read(&sources).unwrap_or_else(|e| panic!("{e:?}"));
    lint(&manifests, &["input.yaml"])
}

/// A pod spec that meets Restricted.
fn restricted_spec() -> Value {
    json!({
        "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{
            "name": "agent",
            "image": "agent:1.0",
            "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}
        }]
    })
}

/// A DaemonSet named `agent` in `default` with `spec` as its pod template's spec.
fn daemon_set(spec: &Value) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "agent"},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {"metadata": {"labels": {"app": "agent"}}, "spec": spec}
        }
    })
}

/// Lints documents given as JSON values (a JSON stream).
fn lint_values(values: &[Value]) -> LintReport {
    let text: Vec<String> = values.iter().map(Value::to_string).collect();
    lint_text(&text.join("\n"))
}

/// The only object of a one-DaemonSet input.
fn only(report: &LintReport) -> &LintedObject {
    assert_eq!(report.objects.len(), 1, "{report:?}");
    &report.objects[0]
}

/// The restricted spec changed by `edit`, as a DaemonSet, linted.
fn lint_edited(edit: impl FnOnce(&mut Value)) -> LintedObject {
    let mut spec = restricted_spec();
    edit(&mut spec);
    only(&lint_values(&[daemon_set(&spec)])).clone()
}

fn find<'a>(object: &'a LintedObject, code: &str) -> Option<&'a Finding> {
    object.findings.iter().find(|f| f.code == code)
}

fn container(spec: &mut Value) -> &mut Value {
    &mut spec["containers"][0]
}

/// Asserts the level and that `code` is reported at `path` with a message containing
/// `message`.
fn assert_fails(object: &LintedObject, level: Level, code: &str, path: &str, message: &str) {
    assert_eq!(object.pod_security, level, "{code}: {object:#?}");
    let found = find(object, code).unwrap_or_else(|| panic!("no {code}: {object:#?}"));
    assert_eq!(found.path, path, "{code}");
    assert!(
        found.message.contains(message),
        "{code}: {:?} lacks {message:?}",
        found.message
    );
    assert!(!found.fix.is_empty());
}

/// Asserts the level and that `code` is not reported.
fn assert_passes(object: &LintedObject, level: Level, code: &str) {
    assert_eq!(object.pod_security, level, "{code}: {object:#?}");
    assert!(find(object, code).is_none(), "{code}: {object:#?}");
}

const T: &str = "spec.template.spec.";

#[test]
fn the_restricted_template_has_no_pod_security_finding() {
    let object = lint_edited(|_| {});
    assert_eq!(object.pod_security, Level::Restricted);
    let codes: Vec<&str> = object.findings.iter().map(|f| f.code).collect();
    assert_eq!(
        codes,
        [
            "NoResourceRequests",
            "NoReadinessProbe",
            "NoLivenessProbe",
            "DefaultServiceAccount",
            "NoControlPlaneToleration"
        ]
    );
}

// Baseline controls.

#[test]
fn pss_host_process() {
    let fail = lint_edited(|s| {
        container(s)["securityContext"]["windowsOptions"] = json!({"hostProcess": true});
    });
    assert_fails(
        &fail,
        Level::Privileged,
        "HostProcess",
        &format!("{T}containers[0].securityContext.windowsOptions.hostProcess"),
        "hostProcess (container \"agent\" must not set securityContext.windowsOptions.hostProcess=true)",
    );
    let pod_level = lint_edited(|s| {
        s["securityContext"]["windowsOptions"] = json!({"hostProcess": true});
    });
    assert_fails(
        &pod_level,
        Level::Privileged,
        "HostProcess",
        &format!("{T}securityContext.windowsOptions.hostProcess"),
        "pod must not set",
    );
    let pass = lint_edited(|s| {
        container(s)["securityContext"]["windowsOptions"] = json!({"hostProcess": false});
    });
    assert_passes(&pass, Level::Restricted, "HostProcess");
}

#[test]
fn pss_host_namespaces() {
    let fail = lint_edited(|s| {
        s["hostPID"] = json!(true);
        s["hostIPC"] = json!(true);
    });
    assert_fails(
        &fail,
        Level::Privileged,
        "HostNamespaces",
        &format!("{T}hostPID"),
        "host namespaces (hostPID=true, hostIPC=true)",
    );
    let pass = lint_edited(|s| {
        s["hostNetwork"] = json!(false);
        s["hostPID"] = json!(false);
    });
    assert_passes(&pass, Level::Restricted, "HostNamespaces");
}

#[test]
fn pss_privileged_in_containers_and_init_containers() {
    let fail = lint_edited(|s| {
        container(s)["securityContext"]["privileged"] = json!(true);
    });
    assert_fails(
        &fail,
        Level::Privileged,
        "Privileged",
        &format!("{T}containers[0].securityContext.privileged"),
        "privileged (container \"agent\" must not set securityContext.privileged=true)",
    );
    let init = lint_edited(|s| {
        let mut init = s["containers"][0].clone();
        init["name"] = json!("setup");
        init["securityContext"]["privileged"] = json!(true);
        s["initContainers"] = json!([init]);
    });
    assert_fails(
        &init,
        Level::Privileged,
        "Privileged",
        &format!("{T}initContainers[0].securityContext.privileged"),
        "container \"setup\"",
    );
    let pass = lint_edited(|s| {
        container(s)["securityContext"]["privileged"] = json!(false);
    });
    assert_passes(&pass, Level::Restricted, "Privileged");
}

#[test]
fn pss_baseline_capabilities() {
    let fail = lint_edited(|s| {
        container(s)["securityContext"]["capabilities"]["add"] = json!(["NET_ADMIN", "SYS_TIME"]);
    });
    assert_fails(
        &fail,
        Level::Privileged,
        "Capabilities",
        &format!("{T}containers[0].securityContext.capabilities.add[0]"),
        "non-default capabilities (container \"agent\" must not include \"NET_ADMIN\", \"SYS_TIME\" in securityContext.capabilities.add)",
    );
    // The Restricted capabilities check says the same and is not repeated.
    assert!(find(&fail, "RestrictedCapabilities").is_none());
    let pass = lint_edited(|s| {
        container(s)["securityContext"]["capabilities"]["add"] = json!(["CHOWN"]);
    });
    assert_passes(&pass, Level::Baseline, "Capabilities");
}

#[test]
fn pss_host_path_volumes() {
    let fail = lint_edited(|s| {
        s["volumes"] = json!([{"name": "logs", "hostPath": {"path": "/var/log"}}]);
    });
    assert_fails(
        &fail,
        Level::Privileged,
        "HostPathVolumes",
        &format!("{T}volumes[0].hostPath"),
        "hostPath volumes (volume \"logs\")",
    );
    assert!(find(&fail, "VolumeTypes").is_none(), "said once");
    let pass = lint_edited(|s| {
        s["volumes"] = json!([{"name": "scratch", "emptyDir": {}}]);
    });
    assert_passes(&pass, Level::Restricted, "HostPathVolumes");
}

#[test]
fn pss_host_ports_including_host_network_defaulting() {
    let fail = lint_edited(|s| {
        container(s)["ports"] =
            json!([{"containerPort": 8080}, {"containerPort": 9100, "hostPort": 9100}]);
    });
    assert_fails(
        &fail,
        Level::Privileged,
        "HostPorts",
        &format!("{T}containers[0].ports[1].hostPort"),
        "hostPort (container \"agent\" uses hostPort 9100)",
    );
    let host_network = lint_edited(|s| {
        s["hostNetwork"] = json!(true);
        container(s)["ports"] = json!([{"containerPort": 9100}]);
    });
    assert_fails(
        &host_network,
        Level::Privileged,
        "HostPorts",
        &format!("{T}containers[0].ports[0].containerPort"),
        "uses hostPort 9100",
    );
    let pass = lint_edited(|s| {
        container(s)["ports"] = json!([{"containerPort": 8080, "hostPort": 0}]);
    });
    assert_passes(&pass, Level::Restricted, "HostPorts");
}

#[test]
fn pss_host_probes_and_lifecycle_hooks() {
    let fail = lint_edited(|s| {
        container(s)["livenessProbe"] = json!({"httpGet": {"host": "10.0.0.1", "port": 80}});
    });
    assert_fails(
        &fail,
        Level::Privileged,
        "HostProbes",
        &format!("{T}containers[0].livenessProbe.httpGet.host"),
        "probe or lifecycle host (container \"agent\" uses probe or lifecycle host \"10.0.0.1\")",
    );
    let hook = lint_edited(|s| {
        container(s)["lifecycle"] =
            json!({"preStop": {"tcpSocket": {"host": "metadata", "port": 80}}});
    });
    assert_fails(
        &hook,
        Level::Privileged,
        "HostProbes",
        &format!("{T}containers[0].lifecycle.preStop.tcpSocket.host"),
        "\"metadata\"",
    );
    let pass = lint_edited(|s| {
        container(s)["livenessProbe"] = json!({"httpGet": {"host": "", "port": 80}});
    });
    assert_passes(&pass, Level::Restricted, "HostProbes");
}

#[test]
fn pss_app_armor_fields_and_annotations() {
    let fail = lint_edited(|s| {
        container(s)["securityContext"]["appArmorProfile"] = json!({"type": "Unconfined"});
    });
    assert_fails(
        &fail,
        Level::Privileged,
        "AppArmor",
        &format!("{T}containers[0].securityContext.appArmorProfile.type"),
        "forbidden AppArmor profile (container \"agent\" must not set AppArmor profile type to \"Unconfined\")",
    );
    let mut spec = restricted_spec();
    let mut ds = daemon_set(&spec);
    ds["spec"]["template"]["metadata"]["annotations"] =
        json!({"container.apparmor.security.beta.kubernetes.io/agent": "unconfined"});
    let annotated = only(&lint_values(&[ds])).clone();
    assert_fails(
        &annotated,
        Level::Privileged,
        "AppArmor",
        "spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/agent]",
        "annotation must not set AppArmor profile type to \"container.apparmor.security.beta.kubernetes.io/agent=\"unconfined\"\"",
    );
    spec["securityContext"]["appArmorProfile"] = json!({"type": "RuntimeDefault"});
    container(&mut spec)["securityContext"]["appArmorProfile"] =
        json!({"type": "Localhost", "localhostProfile": "agent"});
    let pass = only(&lint_values(&[daemon_set(&spec)])).clone();
    assert_passes(&pass, Level::Restricted, "AppArmor");
}

#[test]
fn pss_se_linux() {
    let fail = lint_edited(|s| {
        s["securityContext"]["seLinuxOptions"] = json!({"type": "spc_t", "user": "system_u"});
    });
    assert_fails(
        &fail,
        Level::Privileged,
        "SELinux",
        &format!("{T}securityContext.seLinuxOptions.type"),
        "seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type \"spc_t\"; user may not be set)",
    );
    let pass = lint_edited(|s| {
        container(s)["securityContext"]["seLinuxOptions"] =
            json!({"type": "container_engine_t", "level": "s0:c123,c456"});
    });
    assert_passes(&pass, Level::Restricted, "SELinux");
}

#[test]
fn pss_proc_mount_and_user_namespaces() {
    let fail = lint_edited(|s| {
        container(s)["securityContext"]["procMount"] = json!("Unmasked");
    });
    assert_fails(
        &fail,
        Level::Privileged,
        "ProcMount",
        &format!("{T}containers[0].securityContext.procMount"),
        "procMount (container \"agent\" must not set securityContext.procMount to \"Unmasked\")",
    );
    assert!(find(&fail, "RestrictedProcMount").is_none(), "said once");
    // In a user namespace Baseline allows it; Restricted still does not.
    let user_namespace = lint_edited(|s| {
        s["hostUsers"] = json!(false);
        container(s)["securityContext"]["procMount"] = json!("Unmasked");
    });
    assert_fails(
        &user_namespace,
        Level::Baseline,
        "RestrictedProcMount",
        &format!("{T}containers[0].securityContext.procMount"),
        "must not set securityContext.procMount to \"Unmasked\"",
    );
    let pass = lint_edited(|s| {
        container(s)["securityContext"]["procMount"] = json!("Default");
    });
    assert_passes(&pass, Level::Restricted, "ProcMount");
}

#[test]
fn pss_baseline_seccomp() {
    let fail = lint_edited(|s| {
        container(s)["securityContext"]["seccompProfile"] = json!({"type": "Unconfined"});
    });
    assert_fails(
        &fail,
        Level::Privileged,
        "Seccomp",
        &format!("{T}containers[0].securityContext.seccompProfile.type"),
        "seccompProfile (container \"agent\" must not set securityContext.seccompProfile.type to \"Unconfined\")",
    );
    assert!(find(&fail, "RestrictedSeccomp").is_none(), "said once");
    let pass = lint_edited(|s| {
        container(s)["securityContext"]["seccompProfile"] =
            json!({"type": "Localhost", "localhostProfile": "agent.json"});
    });
    assert_passes(&pass, Level::Restricted, "Seccomp");
}

#[test]
fn pss_sysctls() {
    let fail = lint_edited(|s| {
        s["securityContext"]["sysctls"] = json!([
            {"name": "net.ipv4.tcp_syncookies", "value": "1"},
            {"name": "kernel.msgmax", "value": "65536"}
        ]);
    });
    assert_fails(
        &fail,
        Level::Privileged,
        "Sysctls",
        &format!("{T}securityContext.sysctls[1].name"),
        "forbidden sysctls (kernel.msgmax)",
    );
    let pass = lint_edited(|s| {
        s["securityContext"]["sysctls"] = json!([
            {"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"},
            {"name": "net.ipv4.tcp_keepalive_time", "value": "600"}
        ]);
    });
    assert_passes(&pass, Level::Restricted, "Sysctls");
}

/// Every safe sysctl of policy version `latest`, with the version Pod Security Admission's
/// `check_sysctls.go` added it in: alone on a pod that is otherwise Baseline, it keeps the
/// pod Baseline (and a Restricted pod Restricted); a name outside the list makes it
/// privileged.
#[test]
fn pss_sysctls_safe_set_of_latest() {
    const SAFE: [(&str, &str); 14] = [
        ("kernel.shm_rmid_forced", "1.0"),
        ("net.ipv4.ip_local_port_range", "1.0"),
        ("net.ipv4.tcp_syncookies", "1.0"),
        ("net.ipv4.ping_group_range", "1.0"),
        ("net.ipv4.ip_unprivileged_port_start", "1.0"),
        ("net.ipv4.ip_local_reserved_ports", "1.27"),
        ("net.ipv4.tcp_keepalive_time", "1.29"),
        ("net.ipv4.tcp_fin_timeout", "1.29"),
        ("net.ipv4.tcp_keepalive_intvl", "1.29"),
        ("net.ipv4.tcp_keepalive_probes", "1.29"),
        ("net.ipv4.tcp_rmem", "1.32"),
        ("net.ipv4.tcp_wmem", "1.32"),
        ("net.ipv4.tcp_slow_start_after_idle", "1.37"),
        ("net.ipv4.tcp_notsent_lowat", "1.37"),
    ];
    let baseline_with = |name: &str| {
        let spec = json!({
            "securityContext": {"sysctls": [{"name": name, "value": "1"}]},
            "containers": [{"name": "agent", "image": "agent:1.0"}]
        });
        only(&lint_values(&[daemon_set(&spec)])).clone()
    };
    for (name, version) in SAFE {
        let baseline = baseline_with(name);
        assert_eq!(
            baseline.pod_security,
            Level::Baseline,
            "{name}, safe since {version}"
        );
        assert!(
            find(&baseline, "Sysctls").is_none(),
            "{name}, safe since {version}"
        );
        let restricted = lint_edited(|s| {
            s["securityContext"]["sysctls"] = json!([{"name": name, "value": "1"}]);
        });
        assert_passes(&restricted, Level::Restricted, "Sysctls");
    }
    // Names that are namespaced in the kernel but not in the safe set, and near misses.
    for name in [
        "net.core.somaxconn",
        "net.ipv4.tcp_mem",
        "net.ipv4.tcp_notsent_lowat_bytes",
        "net.ipv4.tcp_max_syn_backlog",
        "kernel.msgmax",
    ] {
        assert_fails(
            &baseline_with(name),
            Level::Privileged,
            "Sysctls",
            &format!("{T}securityContext.sysctls[0].name"),
            &format!("forbidden sysctls ({name})"),
        );
    }
}

// Restricted controls.

#[test]
fn pss_volume_types() {
    let fail = lint_edited(|s| {
        s["volumes"] = json!([
            {"name": "config", "configMap": {"name": "agent"}},
            {"name": "share", "nfs": {"server": "nfs.example.com", "path": "/export"}}
        ]);
    });
    assert_fails(
        &fail,
        Level::Baseline,
        "VolumeTypes",
        &format!("{T}volumes[1].nfs"),
        "restricted volume types (volume \"share\" uses restricted volume type \"nfs\")",
    );
    let pass = lint_edited(|s| {
        s["volumes"] = json!([
            {"name": "config", "configMap": {"name": "agent"}},
            {"name": "token", "projected": {"sources": []}},
            {"name": "scratch"}
        ]);
    });
    assert_passes(&pass, Level::Restricted, "VolumeTypes");
}

#[test]
fn pss_privilege_escalation() {
    let fail = lint_edited(|s| {
        container(s)["securityContext"]
            .as_object_mut()
            .map(|o| o.remove("allowPrivilegeEscalation"));
    });
    assert_fails(
        &fail,
        Level::Baseline,
        "PrivilegeEscalation",
        &format!("{T}containers[0].securityContext.allowPrivilegeEscalation"),
        "allowPrivilegeEscalation != false (container \"agent\" must set securityContext.allowPrivilegeEscalation=false)",
    );
    let explicit = lint_edited(|s| {
        container(s)["securityContext"]["allowPrivilegeEscalation"] = json!(true);
    });
    assert_fails(
        &explicit,
        Level::Baseline,
        "PrivilegeEscalation",
        &format!("{T}containers[0].securityContext.allowPrivilegeEscalation"),
        "must set",
    );
    // Windows pods are exempt (policy 1.25).
    let windows = lint_edited(|s| {
        s["os"] = json!({"name": "windows"});
        container(s)["securityContext"]["allowPrivilegeEscalation"] = json!(true);
    });
    assert_passes(&windows, Level::Restricted, "PrivilegeEscalation");
}

#[test]
fn pss_run_as_non_root() {
    let fail = lint_edited(|s| {
        s["securityContext"]
            .as_object_mut()
            .map(|o| o.remove("runAsNonRoot"));
    });
    assert_fails(
        &fail,
        Level::Baseline,
        "RunAsNonRoot",
        &format!("{T}securityContext.runAsNonRoot"),
        "runAsNonRoot != true (pod or container \"agent\" must set securityContext.runAsNonRoot=true)",
    );
    let explicit = lint_edited(|s| {
        container(s)["securityContext"]["runAsNonRoot"] = json!(false);
    });
    assert_fails(
        &explicit,
        Level::Baseline,
        "RunAsNonRoot",
        &format!("{T}containers[0].securityContext.runAsNonRoot"),
        "container \"agent\" must not set securityContext.runAsNonRoot=false",
    );
    let container_level = lint_edited(|s| {
        s["securityContext"]
            .as_object_mut()
            .map(|o| o.remove("runAsNonRoot"));
        container(s)["securityContext"]["runAsNonRoot"] = json!(true);
    });
    assert_passes(&container_level, Level::Restricted, "RunAsNonRoot");
    let user_namespace = lint_edited(|s| {
        s["hostUsers"] = json!(false);
        s["securityContext"]["runAsNonRoot"] = json!(false);
    });
    assert_passes(&user_namespace, Level::Restricted, "RunAsNonRoot");
}

#[test]
fn pss_run_as_user() {
    let fail = lint_edited(|s| {
        s["securityContext"]["runAsUser"] = json!(0);
    });
    assert_fails(
        &fail,
        Level::Baseline,
        "RunAsUser",
        &format!("{T}securityContext.runAsUser"),
        "runAsUser=0 (pod must not set runAsUser=0)",
    );
    let pass = lint_edited(|s| {
        s["securityContext"]["runAsUser"] = json!(65534);
    });
    assert_passes(&pass, Level::Restricted, "RunAsUser");
}

#[test]
fn pss_restricted_seccomp() {
    let fail = lint_edited(|s| {
        s["securityContext"]
            .as_object_mut()
            .map(|o| o.remove("seccompProfile"));
    });
    assert_fails(
        &fail,
        Level::Baseline,
        "RestrictedSeccomp",
        &format!("{T}securityContext.seccompProfile.type"),
        "seccompProfile (pod or container \"agent\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
    );
    let pass = lint_edited(|s| {
        s["securityContext"]
            .as_object_mut()
            .map(|o| o.remove("seccompProfile"));
        container(s)["securityContext"]["seccompProfile"] = json!({"type": "RuntimeDefault"});
    });
    assert_passes(&pass, Level::Restricted, "RestrictedSeccomp");
}

#[test]
fn pss_restricted_capabilities() {
    let fail = lint_edited(|s| {
        container(s)["securityContext"]["capabilities"] =
            json!({"drop": ["NET_RAW"], "add": ["CHOWN"]});
    });
    assert_fails(
        &fail,
        Level::Baseline,
        "RestrictedCapabilities",
        &format!("{T}containers[0].securityContext.capabilities.drop"),
        "unrestricted capabilities (container \"agent\" must set securityContext.capabilities.drop=[\"ALL\"]; container \"agent\" must not include \"CHOWN\" in securityContext.capabilities.add)",
    );
    let pass = lint_edited(|s| {
        container(s)["securityContext"]["capabilities"] =
            json!({"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]});
    });
    assert_passes(&pass, Level::Restricted, "RestrictedCapabilities");
}

#[test]
fn ephemeral_containers_of_pods_are_checked() {
    let mut spec = restricted_spec();
    spec["ephemeralContainers"] = json!([{
        "name": "debug",
        "image": "busybox:1.36",
        "securityContext": {"privileged": true, "allowPrivilegeEscalation": true, "capabilities": {"drop": ["ALL"]}}
    }]);
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "apps"}, "spec": spec});
    let report = lint_values(&[pod]);
    let object = only(&report);
    assert_eq!((object.kind, object.namespace.as_str()), ("Pod", "apps"));
    assert_fails(
        object,
        Level::Privileged,
        "Privileged",
        "spec.ephemeralContainers[0].securityContext.privileged",
        "container \"debug\"",
    );
}

#[test]
fn pods_a_controller_owns_are_linted_through_their_template() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "agent-x", "ownerReferences": [
        {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "1", "controller": true}
    ]}, "spec": restricted_spec()});
    let report = lint_values(&[daemon_set(&restricted_spec()), pod]);
    assert_eq!(only(&report).kind, "DaemonSet");
}

// Best practices.

#[test]
fn latest_and_untagged_images() {
    for image in ["agent:latest", "registry.example.com:5000/agent"] {
        let object = lint_edited(|s| container(s)["image"] = json!(image));
        let finding = find(&object, "LatestTag").unwrap_or_else(|| panic!("{image}"));
        assert_eq!(finding.path, format!("{T}containers[0].image"));
        assert_eq!(finding.severity, Severity::Warning);
    }
    for image in ["agent:1.0", "registry.example.com:5000/agent@sha256:0123"] {
        let object = lint_edited(|s| container(s)["image"] = json!(image));
        assert!(find(&object, "LatestTag").is_none(), "{image}");
    }
}

#[test]
fn resource_requests_and_memory_limits() {
    let none = lint_edited(|_| {});
    assert_eq!(
        find(&none, "NoResourceRequests").map(|f| f.path.as_str()),
        Some("spec.template.spec.containers[0].resources")
    );
    assert!(
        find(&none, "NoMemoryLimit").is_none(),
        "one finding suffices"
    );
    let requests_only = lint_edited(|s| {
        container(s)["resources"] = json!({"requests": {"cpu": "100m", "memory": "64Mi"}});
    });
    assert!(find(&requests_only, "NoResourceRequests").is_none());
    assert_eq!(
        find(&requests_only, "NoMemoryLimit").map(|f| f.severity),
        Some(Severity::Info)
    );
    // Limits alone also set the requests (the API server copies them).
    let limits_only = lint_edited(|s| {
        container(s)["resources"] = json!({"limits": {"cpu": "200m", "memory": "128Mi"}});
    });
    assert!(find(&limits_only, "NoResourceRequests").is_none());
    assert!(find(&limits_only, "NoMemoryLimit").is_none());
}

#[test]
fn readiness_and_liveness_probes() {
    let none = lint_edited(|_| {});
    assert_eq!(
        find(&none, "NoReadinessProbe").map(|f| (f.severity, f.path.as_str())),
        Some((
            Severity::Warning,
            "spec.template.spec.containers[0].readinessProbe"
        ))
    );
    assert_eq!(
        find(&none, "NoLivenessProbe").map(|f| f.severity),
        Some(Severity::Info)
    );
    let probed = lint_edited(|s| {
        container(s)["readinessProbe"] = json!({"httpGet": {"path": "/ready", "port": 8080}});
        container(s)["livenessProbe"] = json!({"tcpSocket": {"port": 8080}});
    });
    assert!(find(&probed, "NoReadinessProbe").is_none());
    assert!(find(&probed, "NoLivenessProbe").is_none());
}

#[test]
fn control_plane_toleration_without_nodes() {
    let missing = lint_edited(|_| {});
    assert_eq!(
        find(&missing, "NoControlPlaneToleration").map(|f| f.path.as_str()),
        Some("spec.template.spec.tolerations")
    );
    let tolerated = lint_edited(|s| {
        s["tolerations"] = json!([{"operator": "Exists"}]);
    });
    assert!(find(&tolerated, "NoControlPlaneToleration").is_none());
    let selected = lint_edited(|s| {
        s["nodeSelector"] = json!({"gpu": "true"});
    });
    assert!(find(&selected, "NoControlPlaneToleration").is_none());
    let with_nodes = lint_values(&[
        daemon_set(&restricted_spec()),
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "worker-1"}}),
    ]);
    assert!(find(only(&with_nodes), "NoControlPlaneToleration").is_none());
}

#[test]
fn priority_class_for_node_critical_agents() {
    let missing = lint_edited(|s| s["hostNetwork"] = json!(true));
    assert_eq!(
        find(&missing, "NoPriorityClass").map(|f| (f.severity, f.path.as_str())),
        Some((Severity::Warning, "spec.template.spec.priorityClassName"))
    );
    let set = lint_edited(|s| {
        s["hostNetwork"] = json!(true);
        s["priorityClassName"] = json!("system-node-critical");
    });
    assert!(find(&set, "NoPriorityClass").is_none());
    let ordinary = lint_edited(|_| {});
    assert!(find(&ordinary, "NoPriorityClass").is_none());
}

fn with_strategy(rolling: Value, nodes: usize) -> LintedObject {
    let mut ds = daemon_set(&restricted_spec());
    ds["spec"]["updateStrategy"] = json!({"type": "RollingUpdate", "rollingUpdate": rolling});
    let mut docs = vec![ds];
    for i in 0..nodes {
        docs.push(json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": format!("node-{i:03}")}}));
    }
    only(&lint_values(&docs)).clone()
}

#[test]
fn max_unavailable_larger_than_half() {
    let path = "spec.updateStrategy.rollingUpdate.maxUnavailable";
    let percent = with_strategy(json!({"maxUnavailable": "60%"}), 0);
    assert_eq!(
        find(&percent, "MaxUnavailableTooHigh").map(|f| f.path.as_str()),
        Some(path)
    );
    let count = with_strategy(json!({"maxUnavailable": 3}), 4);
    let finding = find(&count, "MaxUnavailableTooHigh");
    assert!(
        finding.is_some_and(|f| f.message.starts_with("maxUnavailable 3 of 4 nodes")),
        "{finding:?}"
    );
    assert!(find(
        &with_strategy(json!({"maxUnavailable": "50%"}), 0),
        "MaxUnavailableTooHigh"
    )
    .is_none());
    assert!(find(
        &with_strategy(json!({"maxUnavailable": 2}), 4),
        "MaxUnavailableTooHigh"
    )
    .is_none());
    assert!(find(
        &with_strategy(json!({"maxUnavailable": 3}), 0),
        "MaxUnavailableTooHigh"
    )
    .is_none());
}

#[test]
fn host_root_mounted_writable() {
    let writable = lint_edited(|s| {
        s["volumes"] = json!([{"name": "root", "hostPath": {"path": "/"}}]);
        container(s)["volumeMounts"] = json!([{"name": "root", "mountPath": "/host"}]);
    });
    let finding = find(&writable, "WritableHostRoot");
    assert_eq!(
        finding.map(|f| (f.severity, f.path.as_str())),
        Some((
            Severity::Warning,
            "spec.template.spec.containers[0].volumeMounts[0].readOnly"
        ))
    );
    let read_only = lint_edited(|s| {
        s["volumes"] = json!([{"name": "root", "hostPath": {"path": "/"}}]);
        container(s)["volumeMounts"] =
            json!([{"name": "root", "mountPath": "/host", "readOnly": true}]);
    });
    assert!(find(&read_only, "WritableHostRoot").is_none());
    let logs = lint_edited(|s| {
        s["volumes"] = json!([{"name": "logs", "hostPath": {"path": "/var/log"}}]);
        container(s)["volumeMounts"] = json!([{"name": "logs", "mountPath": "/var/log"}]);
    });
    assert!(find(&logs, "WritableHostRoot").is_none());
}

#[test]
fn default_service_account() {
    let default = lint_edited(|_| {});
    assert_eq!(
        find(&default, "DefaultServiceAccount").map(|f| (f.severity, f.path.as_str())),
        Some((Severity::Info, "spec.template.spec.serviceAccountName"))
    );
    let own = lint_edited(|s| s["serviceAccountName"] = json!("agent"));
    assert!(find(&own, "DefaultServiceAccount").is_none());
    let no_token = lint_edited(|s| s["automountServiceAccountToken"] = json!(false));
    assert!(find(&no_token, "DefaultServiceAccount").is_none());
}

// DaemonSet-specific findings.

#[test]
fn skipped_tainted_nodes_are_named() {
    let nodes = [
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "control-plane-1"},
               "spec": {"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]}}),
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "gpu-1"},
               "spec": {"taints": [{"key": "dedicated", "value": "gpu", "effect": "NoExecute"},
                                   {"key": "soft", "effect": "PreferNoSchedule"}]}}),
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "worker-1"}}),
    ];
    let mut docs = vec![daemon_set(&restricted_spec())];
    docs.extend(nodes.iter().cloned());
    let skipping = lint_values(&docs);
    let finding = find(only(&skipping), "SkipsTaintedNodes")
        .unwrap_or_else(|| panic!("{skipping:#?}"))
        .clone();
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(finding.path, "spec.template.spec.tolerations");
    assert!(
        finding.message.contains("2 of 3 node(s)")
            && finding.message.contains(
                "control-plane-1 (node-role.kubernetes.io/control-plane:NoSchedule), gpu-1 (dedicated=gpu:NoExecute)"
            ),
        "{}",
        finding.message
    );
    assert!(finding
        .fix
        .contains("{key: dedicated, operator: Exists, effect: NoExecute}"));
    let mut spec = restricted_spec();
    spec["tolerations"] = json!([{"operator": "Exists"}]);
    let mut docs = vec![daemon_set(&spec)];
    docs.extend(nodes.iter().cloned());
    assert!(find(only(&lint_values(&docs)), "SkipsTaintedNodes").is_none());
}

#[test]
fn small_budgets_on_large_clusters_take_many_waves() {
    let finding = |object: &LintedObject| find(object, "SlowRollout").cloned();
    let slow = finding(&with_strategy(json!({"maxUnavailable": 1}), 25));
    let slow = slow.unwrap_or_else(|| panic!("no SlowRollout"));
    assert_eq!(slow.severity, Severity::Info);
    assert_eq!(
        slow.path,
        "spec.updateStrategy.rollingUpdate.maxUnavailable"
    );
    assert!(
        slow.message.contains("takes 25 waves") && slow.message.contains("completes after 2m5s"),
        "{}",
        slow.message
    );
    assert!(
        slow.fix.contains("3 nodes at a time here, 9 waves"),
        "{}",
        slow.fix
    );
    let many = finding(&with_strategy(json!({"maxUnavailable": 1}), 120));
    assert!(
        many.as_ref().is_some_and(
            |f| f.severity == Severity::Warning && f.message.contains("completes after 10m0s")
        ),
        "{many:?}"
    );
    assert!(finding(&with_strategy(json!({"maxUnavailable": "10%"}), 25)).is_none());
    assert!(finding(&with_strategy(json!({"maxUnavailable": 1}), 19)).is_none());
    assert!(finding(&with_strategy(json!({"maxUnavailable": 1}), 0)).is_none());
}

#[test]
fn rollouts_too_large_to_simulate_get_a_lower_bound() {
    let big = with_strategy(json!({"maxUnavailable": 1}), 1001);
    let finding = find(&big, "SlowRollout").unwrap_or_else(|| panic!("{big:#?}"));
    assert!(
        finding.message.contains("1001 waves") && finding.message.contains("at least 1h23m25s"),
        "{}",
        finding.message
    );
}

#[test]
fn host_port_with_surge() {
    let mut spec = restricted_spec();
    spec["containers"][0]["ports"] = json!([{"containerPort": 9100, "hostPort": 9100}]);
    let mut ds = daemon_set(&spec);
    ds["spec"]["updateStrategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}});
    let surge = lint_values(&[ds.clone()]);
    let finding = find(only(&surge), "HostPortWithSurge").cloned();
    assert!(
        finding
            .as_ref()
            .is_some_and(|f| f.severity == Severity::Warning
                && f.path == "spec.updateStrategy.rollingUpdate.maxSurge"
                && f.message.contains("9100/TCP")),
        "{finding:?}"
    );
    ds["spec"]["updateStrategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}});
    assert!(find(only(&lint_values(&[ds])), "HostPortWithSurge").is_none());
    // hostNetwork makes every containerPort a host port.
    let mut spec = restricted_spec();
    spec["hostNetwork"] = json!(true);
    spec["containers"][0]["ports"] = json!([{"containerPort": 8080}]);
    let mut ds = daemon_set(&spec);
    ds["spec"]["updateStrategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}});
    assert!(find(only(&lint_values(&[ds])), "HostPortWithSurge").is_some());
}

fn namespace(labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "monitoring", "labels": labels}})
}

fn in_monitoring(spec: &Value) -> Value {
    let mut ds = daemon_set(spec);
    ds["metadata"]["namespace"] = json!("monitoring");
    ds
}

#[test]
fn namespace_enforcement_rejects_every_pod() {
    let mut host = restricted_spec();
    host["hostNetwork"] = json!(true);
    let report = lint_values(&[
        namespace(json!({"pod-security.kubernetes.io/enforce": "baseline"})),
        in_monitoring(&host),
    ]);
    assert!(report.has_errors());
    let object = only(&report);
    let first = &object.findings[0];
    assert_eq!(
        (first.code, first.severity, first.path.as_str()),
        (
            "RejectedByPodSecurity",
            Severity::Error,
            "spec.template.spec.hostNetwork"
        )
    );
    assert!(
        first
            .message
            .contains("the API server accepts the DaemonSet but rejects every pod it creates")
            && first.message.contains(
                "violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true)"
            ),
        "{}",
        first.message
    );
    // Baseline enforced, Baseline met: accepted.
    let report = lint_values(&[
        namespace(json!({"pod-security.kubernetes.io/enforce": "baseline"})),
        in_monitoring(&json!({"containers": [{"name": "agent", "image": "agent:1.0"}]})),
    ]);
    assert!(!report.has_errors(), "{report:#?}");
    // Restricted enforced (pinned version shown as written), Baseline met: rejected.
    let report = lint_values(&[
        namespace(json!({"pod-security.kubernetes.io/enforce": "restricted",
                         "pod-security.kubernetes.io/enforce-version": "v1.30"})),
        in_monitoring(&json!({"containers": [{"name": "agent", "image": "agent:1.0"}]})),
    ]);
    let message = &only(&report).findings[0].message;
    assert!(
        message.contains(
            "violates PodSecurity \"restricted:v1.30\": allowPrivilegeEscalation != false"
        ),
        "{message}"
    );
    // A level that is not one is enforced as restricted.
    let report = lint_values(&[
        namespace(json!({"pod-security.kubernetes.io/enforce": "strict"})),
        in_monitoring(&json!({"containers": [{"name": "agent", "image": "agent:1.0"}]})),
    ]);
    assert!(only(&report).findings[0]
        .message
        .contains("\"strict\" is not a level"));
    // No label, or a Namespace not in the input: nothing enforced.
    let report = lint_values(&[namespace(json!({})), in_monitoring(&host)]);
    assert!(!report.has_errors());
    assert!(!lint_values(&[in_monitoring(&host)]).has_errors());
}

#[test]
fn namespace_enforcement_rejects_a_pod() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "debug", "namespace": "monitoring"},
                     "spec": {"hostPID": true, "containers": [{"name": "sh", "image": "busybox:1.36"}]}});
    let report = lint_values(&[
        namespace(json!({"pod-security.kubernetes.io/enforce": "baseline"})),
        pod,
    ]);
    let finding = &only(&report).findings[0];
    assert_eq!(finding.code, "RejectedByPodSecurity");
    assert_eq!(finding.path, "spec.hostPID");
    assert!(finding.message.contains(
        "the API server rejects the pod: pods \"debug\" is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostPID=true)"
    ));
}

/// A Baseline pod template: what `warn: restricted` reports about it, in Pod Security
/// Admission's words and order.
const RESTRICTED_DETAIL: &str = "allowPrivilegeEscalation != false (container \"agent\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"agent\" must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or container \"agent\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container \"agent\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")";

fn baseline_spec() -> Value {
    json!({"containers": [{"name": "agent", "image": "agent:1.0"}]})
}

fn codes(object: &LintedObject) -> Vec<&'static str> {
    object.findings.iter().map(|f| f.code).collect()
}

#[test]
fn namespace_warn_label_warns_on_the_daemon_set() {
    let report = lint_values(&[
        namespace(json!({"pod-security.kubernetes.io/warn": "restricted"})),
        in_monitoring(&baseline_spec()),
    ]);
    assert!(!report.has_errors(), "warn blocks nothing: {report:#?}");
    let object = only(&report);
    let finding = find(object, "PodSecurityWarning").unwrap_or_else(|| panic!("{object:#?}"));
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(
        finding.path,
        "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation"
    );
    assert!(
        finding.message.starts_with("namespace \"monitoring\" has pod-security.kubernetes.io/warn: restricted, and the pods meet only the baseline level: the API server still accepts the DaemonSet"),
        "{}",
        finding.message
    );
    assert!(
        finding.message.ends_with(&format!(
            "kubectl prints: Warning: would violate PodSecurity \"restricted:latest\": {RESTRICTED_DETAIL}"
        )),
        "{}",
        finding.message
    );
    assert!(finding.fix.contains(
        "kubectl label namespace monitoring pod-security.kubernetes.io/warn=baseline --overwrite"
    ));
    // With the other warnings, after those about the template itself.
    let warnings: Vec<&str> = object
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .map(|f| f.code)
        .collect();
    assert_eq!(warnings.last(), Some(&"PodSecurityWarning"), "{warnings:?}");
    // A pinned version is printed as written; one ParseVersion rejects is latest.
    for (version, shown) in [("v1.30", "restricted:v1.30"), ("1.30", "restricted:latest")] {
        let report = lint_values(&[
            namespace(json!({"pod-security.kubernetes.io/warn": "restricted",
                             "pod-security.kubernetes.io/warn-version": version})),
            in_monitoring(&baseline_spec()),
        ]);
        let message = &find(only(&report), "PodSecurityWarning")
            .unwrap_or_else(|| panic!("{report:#?}"))
            .message;
        assert!(
            message.contains(&format!("would violate PodSecurity \"{shown}\"")),
            "{message}"
        );
    }
    // The level is met, the label is privileged, or not a level (warn fails open): silent.
    for labels in [
        json!({"pod-security.kubernetes.io/warn": "baseline"}),
        json!({"pod-security.kubernetes.io/warn": "privileged"}),
        json!({"pod-security.kubernetes.io/warn": "strict"}),
        json!({"pod-security.kubernetes.io/warn-version": "v1.30"}),
    ] {
        let report = lint_values(&[namespace(labels.clone()), in_monitoring(&baseline_spec())]);
        assert!(
            find(only(&report), "PodSecurityWarning").is_none(),
            "{labels}: {report:#?}"
        );
    }
}

/// Since 1.28 the API server gives a `hostNetwork` pod's container ports host ports, but
/// not a workload's template: the warning on the DaemonSet does not list `hostPort`, the
/// rejection of its pods does.
#[test]
fn namespace_warn_checks_the_template_as_sent() {
    let mut spec = baseline_spec();
    spec["hostNetwork"] = json!(true);
    spec["containers"][0]["ports"] = json!([{"containerPort": 9100}]);
    let report = lint_values(&[
        namespace(json!({"pod-security.kubernetes.io/enforce": "baseline",
                         "pod-security.kubernetes.io/warn": "baseline"})),
        in_monitoring(&spec),
    ]);
    let object = only(&report);
    let rejection = find(object, "RejectedByPodSecurity").unwrap_or_else(|| panic!("{object:#?}"));
    assert!(rejection.message.ends_with(
        "violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true), hostPort (container \"agent\" uses hostPort 9100)"
    ), "{}", rejection.message);
    let warning = find(object, "PodSecurityWarning").unwrap_or_else(|| panic!("{object:#?}"));
    assert_eq!(warning.path, "spec.template.spec.hostNetwork");
    assert!(warning.message.ends_with(
        "Warning: would violate PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true)"
    ), "{}", warning.message);
}

/// Without a `warn` label, warn takes the `enforce` level (kubernetes/kubernetes#113491):
/// kubectl prints the rejection's violations as a warning, which the lint reports once, as
/// `RejectedByPodSecurity`; the enforcement findings are what they were.
#[test]
fn namespace_enforce_alone_reports_the_rejection_only() {
    let mut host = restricted_spec();
    host["hostNetwork"] = json!(true);
    let report = lint_values(&[
        namespace(json!({"pod-security.kubernetes.io/enforce": "baseline"})),
        in_monitoring(&host),
    ]);
    let object = only(&report);
    assert_eq!(
        codes(object),
        [
            "RejectedByPodSecurity",
            "HostNamespaces",
            "NoResourceRequests",
            "NoReadinessProbe",
            "NoPriorityClass",
            "NoLivenessProbe",
            "DefaultServiceAccount",
            "NoControlPlaneToleration"
        ]
    );
    // A warn label of its own is reported too, in its own words.
    let report = lint_values(&[
        namespace(json!({"pod-security.kubernetes.io/enforce": "baseline",
                         "pod-security.kubernetes.io/warn": "restricted"})),
        in_monitoring(&host),
    ]);
    let object = only(&report);
    assert_eq!(object.findings[0].code, "RejectedByPodSecurity");
    let warning = find(object, "PodSecurityWarning").unwrap_or_else(|| panic!("{object:#?}"));
    assert!(warning.message.contains("Warning: would violate PodSecurity \"restricted:latest\": host namespaces (hostNetwork=true)"), "{}", warning.message);
}

#[test]
fn namespace_warn_label_and_pods() {
    let pod = |spec: Value| {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "debug", "namespace": "monitoring"}, "spec": spec})
    };
    let report = lint_values(&[
        namespace(json!({"pod-security.kubernetes.io/warn": "restricted"})),
        pod(baseline_spec()),
    ]);
    let finding =
        find(only(&report), "PodSecurityWarning").unwrap_or_else(|| panic!("{report:#?}"));
    assert_eq!(
        finding.path,
        "spec.containers[0].securityContext.allowPrivilegeEscalation"
    );
    assert!(finding.message.contains(&format!(
        "the API server still creates the pod (warn blocks nothing), and kubectl prints: Warning: would violate PodSecurity \"restricted:latest\": {RESTRICTED_DETAIL}"
    )), "{}", finding.message);
    // A pod enforce rejects gets no warning (admission.go: no warnings on a request it is
    // going to reject), but is still audited.
    let mut host = baseline_spec();
    host["hostPID"] = json!(true);
    let report = lint_values(&[
        namespace(json!({"pod-security.kubernetes.io/enforce": "baseline",
                         "pod-security.kubernetes.io/warn": "restricted",
                         "pod-security.kubernetes.io/audit": "restricted"})),
        pod(host),
    ]);
    let object = only(&report);
    assert_eq!(object.findings[0].code, "RejectedByPodSecurity");
    assert!(find(object, "PodSecurityWarning").is_none(), "{object:#?}");
    let audit = find(object, "PodSecurityAudit").unwrap_or_else(|| panic!("{object:#?}"));
    assert!(audit.message.contains("on the pod's create request the annotation pod-security.kubernetes.io/audit-violations: would violate PodSecurity \"restricted:latest\": host namespaces (hostPID=true), "), "{}", audit.message);
}

#[test]
fn namespace_audit_label_records_an_annotation() {
    let report = lint_values(&[
        namespace(json!({"pod-security.kubernetes.io/audit": "restricted",
                         "pod-security.kubernetes.io/audit-version": "v1.36"})),
        in_monitoring(&baseline_spec()),
    ]);
    assert!(!report.has_errors());
    let object = only(&report);
    let finding = find(object, "PodSecurityAudit").unwrap_or_else(|| panic!("{object:#?}"));
    assert_eq!(finding.severity, Severity::Info);
    assert_eq!(
        finding.path,
        "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation"
    );
    assert!(finding.message.ends_with(&format!(
        "on every create or update of the DaemonSet, and on every pod the controller creates, the annotation pod-security.kubernetes.io/audit-violations: would violate PodSecurity \"restricted:v1.36\": {RESTRICTED_DETAIL}"
    )), "{}", finding.message);
    // Audit does not warn, and enforce does not audit.
    assert!(find(object, "PodSecurityWarning").is_none());
    let report = lint_values(&[
        namespace(json!({"pod-security.kubernetes.io/enforce": "restricted"})),
        in_monitoring(&baseline_spec()),
    ]);
    assert!(find(only(&report), "PodSecurityAudit").is_none());
    // Template and pods differ when hostNetwork gives the pods host ports.
    let mut spec = baseline_spec();
    spec["hostNetwork"] = json!(true);
    spec["containers"][0]["ports"] = json!([{"containerPort": 9100}]);
    let report = lint_values(&[
        namespace(json!({"pod-security.kubernetes.io/audit": "baseline"})),
        in_monitoring(&spec),
    ]);
    let message = &find(only(&report), "PodSecurityAudit")
        .unwrap_or_else(|| panic!("{report:#?}"))
        .message;
    assert!(message.ends_with(
        "on every create or update of the DaemonSet the annotation pod-security.kubernetes.io/audit-violations: would violate PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true); and on every pod the controller creates: would violate PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true), hostPort (container \"agent\" uses hostPort 9100)"
    ), "{message}");
    // Met, or not a level (audit fails open): nothing.
    for level in ["privileged", "strict"] {
        let report = lint_values(&[
            namespace(json!({"pod-security.kubernetes.io/audit": level})),
            in_monitoring(&spec),
        ]);
        assert!(find(only(&report), "PodSecurityAudit").is_none(), "{level}");
    }
}

#[test]
fn namespaces_are_read_not_skipped() {
    let sources = [Source {
        name: "ns.yaml",
        text: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: monitoring\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n",
    }];
    let manifests = manifest::read(&sources).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(manifests.namespaces.len(), 1);
    assert!(manifests.warnings.is_empty(), "{:?}", manifests.warnings);
}

// The study guide's examples.

fn guide(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/guide");
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn guide_examples_get_their_levels() {
    for (file, level, codes) in [
        (
            "basic-daemonset.yaml",
            Level::Privileged,
            &["HostPathVolumes", "NoResourceRequests"][..],
        ),
        (
            "node-selection.yaml",
            Level::Baseline,
            &["LatestTag", "NoReadinessProbe"][..],
        ),
        (
            "rolling-update.yaml",
            Level::Baseline,
            &["RunAsNonRoot"][..],
        ),
    ] {
        let report = lint_text(&guide(file));
        let object = only(&report);
        assert_eq!(object.pod_security, level, "{file}");
        for code in codes {
            assert!(find(object, code).is_some(), "{file}: no {code}");
        }
        assert!(!report.has_errors(), "{file}");
    }
    // The ServiceAccount example has no selector, which the API server refuses; with one it
    // lints like the others.
    let text = guide("service-account.yaml").replace(
        "spec:\n  template:\n",
        "spec:\n  selector:\n    matchLabels: {app: secure}\n  template:\n    metadata:\n      labels: {app: secure}\n",
    );
    let report = lint_text(&text);
    let object = only(&report);
    assert_eq!(object.pod_security, Level::Baseline);
    assert!(find(object, "LatestTag").is_some());
    assert!(find(object, "DefaultServiceAccount").is_none());
}

/// The guide's "Privileged DaemonSets" security example, completed into a DaemonSet.
#[test]
fn guide_privileged_agent_is_privileged() {
    let text = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: security-agent\nspec:\n  selector:\n    matchLabels: {app: security-agent}\n  template:\n    metadata:\n      labels: {app: security-agent}\n    spec:\n      securityContext:\n        runAsUser: 0\n      containers:\n      - name: privileged-agent\n        image: security-agent:latest\n        securityContext:\n          privileged: true\n        volumeMounts:\n        - name: host-root\n          mountPath: /host\n          readOnly: true\n      volumes:\n      - name: host-root\n        hostPath:\n          path: /\n";
    let report = lint_text(text);
    let object = only(&report);
    assert_eq!(object.pod_security, Level::Privileged);
    for code in [
        "Privileged",
        "HostPathVolumes",
        "RunAsUser",
        "NoPriorityClass",
        "LatestTag",
    ] {
        assert!(find(object, code).is_some(), "no {code}: {object:#?}");
    }
    assert!(
        find(object, "WritableHostRoot").is_none(),
        "mounted readOnly"
    );
}

// The command line.

fn dsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .unwrap_or_else(|e| panic!("cannot run dsim: {e}"))
}

#[test]
fn cli_exit_codes() {
    let clean = dsim(&["lint", "examples/quickstart.yaml"]);
    assert_eq!(clean.status.code(), Some(0), "{clean:?}");
    let rejected = dsim(&["lint", "examples/lint.yaml"]);
    assert_eq!(rejected.status.code(), Some(1), "{rejected:?}");
    let bad = dsim(&["lint", "examples/typo.yaml"]);
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
    let missing = dsim(&["lint", "examples/does-not-exist.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn cli_refuses_input_without_daemonsets_or_pods() {
    let dir = std::env::temp_dir().join(format!("dsim-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("nodes.yaml");
    std::fs::write(&path, "apiVersion: v1\nkind: Node\nmetadata:\n  name: a\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let out = dsim(&["lint", &path.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no DaemonSet or Pod found"));
}

#[test]
fn cli_json_follows_the_contract() {
    let out = dsim(&["lint", "examples/lint.yaml", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let keys: Vec<&String> = json
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(keys, ["objects"]);
    let object = &json["objects"][0];
    assert_eq!(object["kind"], "DaemonSet");
    assert_eq!(object["namespace"], "monitoring");
    assert_eq!(object["name"], "node-exporter");
    assert_eq!(object["podSecurity"], "privileged");
    for finding in object["findings"].as_array().into_iter().flatten() {
        let mut keys: Vec<&String> = finding
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        daemonset_sim::order::sort(&mut keys);
        assert_eq!(keys, ["code", "fix", "message", "path", "severity"]);
        assert!(["error", "warning", "info"].contains(&finding["severity"].as_str().unwrap_or("")));
    }
    assert_eq!(object["findings"][0]["severity"], "error");
}
