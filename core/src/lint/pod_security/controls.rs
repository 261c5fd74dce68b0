//! The Pod Security Standards controls: each one's Pod Security Admission check ID, level,
//! finding code and fix.

use crate::lint::report::Level;

/// One control of the Pod Security Standards, as one check of Pod Security Admission
/// (`k8s.io/pod-security-admission/policy/check_*.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Control {
    /// Baseline `appArmorProfile`.
    AppArmor,
    /// Baseline `hostNamespaces`.
    HostNamespaces,
    /// Baseline `hostPorts`.
    HostPorts,
    /// Baseline `hostProbesAndHostLifecycle` (policy 1.34+).
    HostProbes,
    /// Baseline `privileged`.
    Privileged,
    /// Baseline `procMount` (relaxed for `hostUsers: false` from policy 1.35).
    ProcMount,
    /// Baseline `seLinuxOptions`.
    SeLinux,
    /// Baseline `sysctls`.
    Sysctls,
    /// Baseline `windowsHostProcess`.
    HostProcess,
    /// Baseline `capabilities_baseline`.
    Capabilities,
    /// Baseline `hostPathVolumes`.
    HostPathVolumes,
    /// Baseline `seccompProfile_baseline`.
    Seccomp,
    /// Restricted `allowPrivilegeEscalation`.
    PrivilegeEscalation,
    /// Restricted `capabilities_restricted`.
    RestrictedCapabilities,
    /// Restricted `procMount_restricted` (policy 1.35+).
    RestrictedProcMount,
    /// Restricted `restrictedVolumes`.
    VolumeTypes,
    /// Restricted `runAsNonRoot`.
    RunAsNonRoot,
    /// Restricted `runAsUser`.
    RunAsUser,
    /// Restricted `seccompProfile_restricted`.
    RestrictedSeccomp,
}

impl Control {
    /// Every control in the order Pod Security Admission runs and reports them: Baseline
    /// checks that Restricted keeps, Baseline checks that Restricted replaces, then
    /// Restricted checks; each group in the order of the check files.
    pub const ALL: [Control; 19] = [
        Self::AppArmor,
        Self::HostNamespaces,
        Self::HostPorts,
        Self::HostProbes,
        Self::Privileged,
        Self::SeLinux,
        Self::Sysctls,
        Self::HostProcess,
        Self::Capabilities,
        Self::HostPathVolumes,
        Self::ProcMount,
        Self::Seccomp,
        Self::PrivilegeEscalation,
        Self::RestrictedCapabilities,
        Self::RestrictedProcMount,
        Self::VolumeTypes,
        Self::RunAsNonRoot,
        Self::RunAsUser,
        Self::RestrictedSeccomp,
    ];

    /// The check's ID in Pod Security Admission.
    pub fn check_id(self) -> &'static str {
        match self {
            Self::AppArmor => "appArmorProfile",
            Self::HostNamespaces => "hostNamespaces",
            Self::HostPorts => "hostPorts",
            Self::HostProbes => "hostProbesAndHostLifecycle",
            Self::Privileged => "privileged",
            Self::ProcMount => "procMount",
            Self::SeLinux => "seLinuxOptions",
            Self::Sysctls => "sysctls",
            Self::HostProcess => "windowsHostProcess",
            Self::Capabilities => "capabilities_baseline",
            Self::HostPathVolumes => "hostPathVolumes",
            Self::Seccomp => "seccompProfile_baseline",
            Self::PrivilegeEscalation => "allowPrivilegeEscalation",
            Self::RestrictedCapabilities => "capabilities_restricted",
            Self::RestrictedProcMount => "procMount_restricted",
            Self::VolumeTypes => "restrictedVolumes",
            Self::RunAsNonRoot => "runAsNonRoot",
            Self::RunAsUser => "runAsUser",
            Self::RestrictedSeccomp => "seccompProfile_restricted",
        }
    }

    /// The finding code.
    pub fn code(self) -> &'static str {
        match self {
            Self::AppArmor => "AppArmor",
            Self::HostNamespaces => "HostNamespaces",
            Self::HostPorts => "HostPorts",
            Self::HostProbes => "HostProbes",
            Self::Privileged => "Privileged",
            Self::ProcMount => "ProcMount",
            Self::SeLinux => "SELinux",
            Self::Sysctls => "Sysctls",
            Self::HostProcess => "HostProcess",
            Self::Capabilities => "Capabilities",
            Self::HostPathVolumes => "HostPathVolumes",
            Self::Seccomp => "Seccomp",
            Self::PrivilegeEscalation => "PrivilegeEscalation",
            Self::RestrictedCapabilities => "RestrictedCapabilities",
            Self::RestrictedProcMount => "RestrictedProcMount",
            Self::VolumeTypes => "VolumeTypes",
            Self::RunAsNonRoot => "RunAsNonRoot",
            Self::RunAsUser => "RunAsUser",
            Self::RestrictedSeccomp => "RestrictedSeccomp",
        }
    }

    /// The level whose definition has this control.
    pub fn level(self) -> Level {
        match self {
            Self::PrivilegeEscalation
            | Self::RestrictedCapabilities
            | Self::RestrictedProcMount
            | Self::VolumeTypes
            | Self::RunAsNonRoot
            | Self::RunAsUser
            | Self::RestrictedSeccomp => Level::Restricted,
            _ => Level::Baseline,
        }
    }

    /// The Baseline control this Restricted control replaces when Restricted is enforced.
    pub fn replaces(self) -> Option<Control> {
        match self {
            Self::RestrictedCapabilities => Some(Self::Capabilities),
            Self::RestrictedProcMount => Some(Self::ProcMount),
            Self::VolumeTypes => Some(Self::HostPathVolumes),
            Self::RestrictedSeccomp => Some(Self::Seccomp),
            _ => None,
        }
    }

    /// Whether Pod Security Admission runs this check when enforcing `level`.
    pub fn enforced_at(self, level: Level) -> bool {
        match (level, self.level()) {
            (Level::Privileged, _) => false,
            (Level::Baseline, own) => own == Level::Baseline,
            (Level::Restricted, Level::Restricted) => true,
            (Level::Restricted, _) => !Self::ALL.iter().any(|c| c.replaces() == Some(self)),
        }
    }

    /// A concrete change that satisfies the control.
    pub fn fix(self) -> &'static str {
        match self {
            Self::AppArmor => "remove the Unconfined AppArmor profile: leave securityContext.appArmorProfile unset (the runtime's default profile applies) or set type: RuntimeDefault, or Localhost with a profile loaded on every node",
            Self::HostNamespaces => "remove hostNetwork, hostPID and hostIPC unless the agent truly needs the node's network or processes; if it does, it needs a namespace labelled pod-security.kubernetes.io/enforce: privileged",
            Self::HostPorts => "remove hostPort (reach the agent through a Service, or through hostNetwork if it must listen on the node's address); with hostNetwork: true every containerPort becomes a hostPort when the pod is created",
            Self::HostProbes => "remove host from the probe or lifecycle handler: the kubelet then calls the pod's own IP",
            Self::Privileged => "set securityContext.privileged: false and add only the capabilities the agent needs (securityContext.capabilities.add); a node agent that truly needs full access belongs in a namespace labelled pod-security.kubernetes.io/enforce: privileged",
            Self::ProcMount => "remove securityContext.procMount (or set it to Default); Unmasked is allowed at Baseline only for pods with hostUsers: false",
            Self::SeLinux => "remove seLinuxOptions user and role, and use no type or one of container_t, container_init_t, container_kvm_t, container_engine_t",
            Self::Sysctls => "set only the safe sysctls in spec.securityContext.sysctls; tune the others on the node itself",
            Self::HostProcess => "remove windowsOptions.hostProcess (or set it to false)",
            Self::Capabilities => "add only capabilities of the default set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT) in securityContext.capabilities.add",
            Self::HostPathVolumes => "replace hostPath volumes with emptyDir, configMap, secret or persistentVolumeClaim volumes; an agent that must read node files needs a namespace labelled pod-security.kubernetes.io/enforce: privileged",
            Self::Seccomp => "set securityContext.seccompProfile.type: RuntimeDefault (or Localhost) instead of Unconfined",
            Self::PrivilegeEscalation => "set securityContext.allowPrivilegeEscalation: false in every container",
            Self::RestrictedCapabilities => "set securityContext.capabilities.drop: [\"ALL\"] in every container, and add back at most NET_BIND_SERVICE",
            Self::RestrictedProcMount => "remove securityContext.procMount (or set it to Default)",
            Self::VolumeTypes => "use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes",
            Self::RunAsNonRoot => "set spec.securityContext.runAsNonRoot: true (and an image user or runAsUser other than 0)",
            Self::RunAsUser => "remove runAsUser: 0 and run as a non-zero user ID (e.g. runAsUser: 65534)",
            Self::RestrictedSeccomp => "set spec.securityContext.seccompProfile.type: RuntimeDefault",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restricted_replaces_four_baseline_checks() {
        let replaced: Vec<Control> = Control::ALL
            .iter()
            .filter(|c| !c.enforced_at(Level::Restricted))
            .copied()
            .collect();
        assert_eq!(
            replaced,
            [
                Control::Capabilities,
                Control::HostPathVolumes,
                Control::ProcMount,
                Control::Seccomp
            ]
        );
        assert!(Control::ALL
            .iter()
            .all(|c| !c.enforced_at(Level::Privileged)));
        assert!(Control::ALL
            .iter()
            .all(|c| c.enforced_at(Level::Baseline) == (c.level() == Level::Baseline)));
    }
}
