//! The Restricted checks, each as its `check_*.go` in `k8s.io/pod-security-admission/policy`
//! words it at the latest policy version.

use super::baseline::proc_mount;
use super::visit::{containers_phrase, join_quote, pluralize, sorted_set, PodView};
use super::{violation, Control, Violation};
use k8s_openapi::api::core::v1::Volume;

/// Runs every Restricted check on `pod`.
pub fn check_all(pod: &PodView<'_>) -> Vec<Violation> {
    [
        privilege_escalation(pod),
        capabilities(pod),
        proc_mount(pod, Control::RestrictedProcMount),
        volume_types(pod),
        run_as_non_root(pod),
        run_as_user(pod),
        seccomp(pod),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// `allowPrivilegeEscalation` (policy 1.25): every container sets it to false; Windows
/// pods are exempt.
fn privilege_escalation(pod: &PodView<'_>) -> Option<Violation> {
    if pod.is_windows() {
        return None;
    }
    let bad: Vec<_> = pod
        .containers
        .iter()
        .filter(|c| {
            c.security_context
                .and_then(|s| s.allow_privilege_escalation)
                != Some(false)
        })
        .collect();
    let first = bad.first()?;
    let names: Vec<&str> = bad.iter().map(|c| c.name).collect();
    violation(
        Control::PrivilegeEscalation,
        "allowPrivilegeEscalation != false",
        format!(
            "{} must set securityContext.allowPrivilegeEscalation=false",
            containers_phrase(&names)
        ),
        first.field("securityContext.allowPrivilegeEscalation"),
    )
}

/// `capabilities_restricted` (policy 1.25): every container drops ALL and adds at most
/// NET_BIND_SERVICE; Windows pods are exempt.
fn capabilities(pod: &PodView<'_>) -> Option<Violation> {
    if pod.is_windows() {
        return None;
    }
    let mut missing_drop = Vec::new();
    let mut adding = Vec::new();
    let mut forbidden = Vec::new();
    let mut first = None;
    for c in &pod.containers {
        let caps = c.security_context.and_then(|s| s.capabilities.as_ref());
        let drops_all = caps
            .and_then(|caps| caps.drop.as_deref())
            .unwrap_or_default()
            .iter()
            .any(|d| d == "ALL");
        if !drops_all {
            missing_drop.push(c.name);
            first.get_or_insert_with(|| c.field("securityContext.capabilities.drop"));
        }
        let add = caps
            .and_then(|caps| caps.add.as_deref())
            .unwrap_or_default();
        let mut bad = false;
        for (k, cap) in add.iter().enumerate() {
            if cap != "NET_BIND_SERVICE" {
                bad = true;
                forbidden.push(cap.clone());
                first.get_or_insert_with(|| {
                    c.field(&format!("securityContext.capabilities.add[{k}]"))
                });
            }
        }
        if bad {
            adding.push(c.name);
        }
    }
    let path = first?;
    let mut details = Vec::new();
    if !missing_drop.is_empty() {
        details.push(format!(
            "{} must set securityContext.capabilities.drop=[\"ALL\"]",
            containers_phrase(&missing_drop)
        ));
    }
    if !adding.is_empty() {
        details.push(format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&adding),
            join_quote(&sorted_set(forbidden))
        ));
    }
    violation(
        Control::RestrictedCapabilities,
        "unrestricted capabilities",
        details.join("; "),
        path,
    )
}

/// The allowed volume types, and the JSON name of the type of a volume that is not one.
fn restricted_type(volume: &Volume) -> Option<&'static str> {
    let allowed = volume.config_map.is_some()
        || volume.csi.is_some()
        || volume.downward_api.is_some()
        || volume.empty_dir.is_some()
        || volume.ephemeral.is_some()
        || volume.image.is_some()
        || volume.persistent_volume_claim.is_some()
        || volume.projected.is_some()
        || volume.secret.is_some();
    if allowed {
        return None;
    }
    let named = [
        (
            "awsElasticBlockStore",
            volume.aws_elastic_block_store.is_some(),
        ),
        ("azureDisk", volume.azure_disk.is_some()),
        ("azureFile", volume.azure_file.is_some()),
        ("cephfs", volume.cephfs.is_some()),
        ("cinder", volume.cinder.is_some()),
        ("fc", volume.fc.is_some()),
        ("flexVolume", volume.flex_volume.is_some()),
        ("flocker", volume.flocker.is_some()),
        ("gcePersistentDisk", volume.gce_persistent_disk.is_some()),
        ("gitRepo", volume.git_repo.is_some()),
        ("glusterfs", volume.glusterfs.is_some()),
        ("hostPath", volume.host_path.is_some()),
        ("iscsi", volume.iscsi.is_some()),
        ("nfs", volume.nfs.is_some()),
        (
            "photonPersistentDisk",
            volume.photon_persistent_disk.is_some(),
        ),
        ("portworxVolume", volume.portworx_volume.is_some()),
        ("quobyte", volume.quobyte.is_some()),
        ("rbd", volume.rbd.is_some()),
        ("scaleIO", volume.scale_io.is_some()),
        ("storageos", volume.storageos.is_some()),
        ("vsphereVolume", volume.vsphere_volume.is_some()),
    ];
    // A volume with no source is defaulted to emptyDir by the API server
    // (`SetDefaults_Volume`), which is allowed.
    named.iter().find(|(_, set)| *set).map(|(name, _)| *name)
}

/// `restrictedVolumes`: only the core volume types.
fn volume_types(pod: &PodView<'_>) -> Option<Violation> {
    let volumes = pod.spec.volumes.as_deref().unwrap_or_default();
    let bad: Vec<(usize, &str, &str)> = volumes
        .iter()
        .enumerate()
        .filter_map(|(i, v)| Some((i, v.name.as_str(), restricted_type(v)?)))
        .collect();
    let (index, _, type_) = bad.first()?;
    let names: Vec<&str> = bad.iter().map(|(_, n, _)| *n).collect();
    let types = sorted_set(bad.iter().map(|(_, _, t)| (*t).to_owned()).collect());
    violation(
        Control::VolumeTypes,
        "restricted volume types",
        format!(
            "{} {} {} {} {}",
            pluralize("volume", "volumes", names.len()),
            join_quote(&names),
            pluralize("uses", "use", names.len()),
            pluralize(
                "restricted volume type",
                "restricted volume types",
                types.len()
            ),
            join_quote(&types)
        ),
        format!("spec.volumes[{index}].{type_}"),
    )
}

/// The restricted volume type of each volume of `pod` that has one (for telling apart
/// what the Baseline hostPath check already says).
pub fn restricted_volume_types(pod: &PodView<'_>) -> Vec<&'static str> {
    pod.spec
        .volumes
        .iter()
        .flatten()
        .filter_map(restricted_type)
        .collect()
}

/// `runAsNonRoot` (policy 1.35): the pod, or every container, sets runAsNonRoot: true and
/// none sets it to false; pods with `hostUsers: false` are exempt.
fn run_as_non_root(pod: &PodView<'_>) -> Option<Violation> {
    if pod.in_user_namespace() {
        return None;
    }
    let mut setters = Vec::new();
    let mut first = None;
    let pod_level = pod
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.run_as_non_root);
    if pod_level == Some(false) {
        setters.push("pod".to_owned());
        first = Some("spec.securityContext.runAsNonRoot".to_owned());
    }
    let pod_non_root = pod_level == Some(true);
    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    for c in &pod.containers {
        match c.security_context.and_then(|s| s.run_as_non_root) {
            Some(false) => {
                explicit.push(c.name);
                first.get_or_insert_with(|| c.field("securityContext.runAsNonRoot"));
            }
            Some(true) => {}
            None if !pod_non_root => implicit.push(c.name),
            None => {}
        }
    }
    if !explicit.is_empty() {
        setters.push(containers_phrase(&explicit));
    }
    if let Some(path) = first {
        return violation(
            Control::RunAsNonRoot,
            "runAsNonRoot != true",
            format!(
                "{} must not set securityContext.runAsNonRoot=false",
                setters.join(" and ")
            ),
            path,
        );
    }
    if implicit.is_empty() {
        return None;
    }
    violation(
        Control::RunAsNonRoot,
        "runAsNonRoot != true",
        format!(
            "pod or {} must set securityContext.runAsNonRoot=true",
            containers_phrase(&implicit)
        ),
        "spec.securityContext.runAsNonRoot".to_owned(),
    )
}

/// `runAsUser` (policy 1.35): neither the pod nor a container sets runAsUser: 0; pods with
/// `hostUsers: false` are exempt.
fn run_as_user(pod: &PodView<'_>) -> Option<Violation> {
    if pod.in_user_namespace() {
        return None;
    }
    let mut setters = Vec::new();
    let mut first = None;
    if pod
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.run_as_user)
        == Some(0)
    {
        setters.push("pod".to_owned());
        first = Some("spec.securityContext.runAsUser".to_owned());
    }
    let mut names = Vec::new();
    for c in &pod.containers {
        if c.security_context.and_then(|s| s.run_as_user) == Some(0) {
            names.push(c.name);
            first.get_or_insert_with(|| c.field("securityContext.runAsUser"));
        }
    }
    if !names.is_empty() {
        setters.push(containers_phrase(&names));
    }
    let path = first?;
    violation(
        Control::RunAsUser,
        "runAsUser=0",
        format!("{} must not set runAsUser=0", setters.join(" and ")),
        path,
    )
}

/// `seccompProfile_restricted` (policy 1.25): the pod, or every container, sets
/// RuntimeDefault or Localhost; Windows pods are exempt.
fn seccomp(pod: &PodView<'_>) -> Option<Violation> {
    if pod.is_windows() {
        return None;
    }
    let allowed = |t: &str| t == "RuntimeDefault" || t == "Localhost";
    let mut setters = Vec::new();
    let mut values = Vec::new();
    let mut first = None;
    let mut pod_set = false;
    if let Some(profile) = pod
        .spec
        .security_context
        .as_ref()
        .and_then(|s| s.seccomp_profile.as_ref())
    {
        if allowed(&profile.type_) {
            pod_set = true;
        } else {
            setters.push("pod".to_owned());
            values.push(profile.type_.clone());
            first = Some("spec.securityContext.seccompProfile.type".to_owned());
        }
    }
    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    for c in &pod.containers {
        match c.security_context.and_then(|s| s.seccomp_profile.as_ref()) {
            Some(profile) if !allowed(&profile.type_) => {
                explicit.push(c.name);
                values.push(profile.type_.clone());
                first.get_or_insert_with(|| c.field("securityContext.seccompProfile.type"));
            }
            Some(_) => {}
            None if !pod_set => implicit.push(c.name),
            None => {}
        }
    }
    if !explicit.is_empty() {
        setters.push(containers_phrase(&explicit));
    }
    if let Some(path) = first {
        return violation(
            Control::RestrictedSeccomp,
            "seccompProfile",
            format!(
                "{} must not set securityContext.seccompProfile.type to {}",
                setters.join(" and "),
                join_quote(&sorted_set(values))
            ),
            path,
        );
    }
    if implicit.is_empty() {
        return None;
    }
    violation(
        Control::RestrictedSeccomp,
        "seccompProfile",
        format!(
            "pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
            containers_phrase(&implicit)
        ),
        "spec.securityContext.seccompProfile.type".to_owned(),
    )
}
