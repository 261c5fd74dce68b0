//! Deterministic benchmark inputs: a `kubectl get nodes -o yaml` dump and 20 DaemonSets.
//!
//! The node dump is one `kind: List` document shaped like what kubectl prints for an EKS-like
//! cluster (keys sorted, sequences not indented, timestamps and numbers quoted): labels,
//! annotations, managedFields, taints, capacity, conditions, addresses, images. A fixed seed
//! and an own PRNG make every run write the same bytes.

use std::fmt::{self, Write as _};
use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::{self, step};
use crate::site::relative;
use crate::{Context, Error, Result};

/// Nodes in the default benchmark dump.
pub const DEFAULT_NODES: usize = 5000;

/// The DaemonSets of the benchmark, written by hand to cover the placement features.
const DAEMONSETS: &str = include_str!("../assets/daemonsets-20.yaml");

/// The seed of every generated file.
const SEED: u64 = 0x0dae_5e75_1a7e_2025;

/// 2025-03-01T08:00:00Z, when the first node joined.
const CLUSTER_START: i64 = 1_740_816_000;

/// 2025-06-15T12:00:00Z, the moment of the dump (last heartbeats are just before it).
const DUMP_TIME: i64 = 1_749_988_800;

/// The account of the ECR registry in image names.
const ECR: &str = "602401143452.dkr.ecr.us-east-1.amazonaws.com";

/// Paths of the files [`write_bench_inputs`] wrote.
pub struct BenchInputs {
    /// The node dump (`nodes-N.yaml`).
    pub nodes: PathBuf,
    /// The DaemonSets (`daemonsets-20.yaml`).
    pub daemonsets: PathBuf,
}

/// Writes `nodes-{count}.yaml` and `daemonsets-20.yaml` into `dir`.
pub fn write_bench_inputs(dir: &Path, count: usize) -> Result<BenchInputs> {
    fs::create_dir_all(dir).context(|| format!("creating {}", dir.display()))?;
    let nodes = dir.join(format!("nodes-{count}.yaml"));
    let daemonsets = dir.join("daemonsets-20.yaml");
    step(&format!(
        "generate {} ({count} nodes) and {}",
        relative(&nodes).display(),
        relative(&daemonsets).display()
    ));
    let text = node_list(count).map_err(|_| Error::msg("formatting the node dump failed"))?;
    fs::write(&nodes, &text).context(|| format!("writing {}", nodes.display()))?;
    fs::write(&daemonsets, DAEMONSETS).context(|| format!("writing {}", daemonsets.display()))?;
    let per_node = text.len() / count.max(1);
    println!(
        "    nodes: {}, about {per_node} bytes a node; daemonsets: {}",
        cmd::bytes(text.len() as u64),
        cmd::bytes(DAEMONSETS.len() as u64)
    );
    Ok(BenchInputs { nodes, daemonsets })
}

/// SplitMix64: a tiny, good-enough PRNG with a fixed sequence for a given seed.
struct Rng(u64);

impl Rng {
    /// The next 64 random bits.
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `per_mille / 1000`.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// One element of a non-empty slice.
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        &items[i.min(items.len() - 1)]
    }

    /// `len` lowercase hex digits.
    fn hex(&mut self, len: usize) -> String {
        let mut s = String::with_capacity(len + 16);
        while s.len() < len {
            let _ = write!(s, "{:016x}", self.next());
        }
        s.truncate(len);
        s
    }

    /// A random (version 4 shaped) UUID.
    fn uuid(&mut self) -> String {
        let h = self.hex(32);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }
}

/// The kinds of node pools in the generated cluster.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pool {
    /// The three control-plane nodes (tainted NoSchedule).
    ControlPlane,
    /// General-purpose amd64 workers.
    General,
    /// arm64 (Graviton) workers.
    Arm,
    /// Memory-optimized workers.
    HighMem,
    /// GPU workers (tainted `nvidia.com/gpu:NoSchedule`).
    Gpu,
    /// Infrastructure nodes (tainted `dedicated=infra:NoExecute`).
    Infra,
}

impl Pool {
    /// The pool's node group name, as in labels.
    fn name(self) -> &'static str {
        match self {
            Pool::ControlPlane => "control-plane",
            Pool::General => "general-amd64",
            Pool::Arm => "general-arm64",
            Pool::HighMem => "highmem",
            Pool::Gpu => "gpu-a10g",
            Pool::Infra => "infra",
        }
    }

    /// Instance types the pool uses: (name, vCPUs, GiB of memory, GPUs).
    fn instance_types(self) -> &'static [(&'static str, u64, u64, u64)] {
        match self {
            Pool::ControlPlane => &[("m5.xlarge", 4, 16, 0)],
            Pool::General => &[
                ("m5.2xlarge", 8, 32, 0),
                ("m5.4xlarge", 16, 64, 0),
                ("c5.4xlarge", 16, 32, 0),
            ],
            Pool::Arm => &[("m6g.2xlarge", 8, 32, 0), ("c6g.4xlarge", 16, 32, 0)],
            Pool::HighMem => &[("r5.4xlarge", 16, 128, 0), ("r5.8xlarge", 32, 256, 0)],
            Pool::Gpu => &[("g5.2xlarge", 8, 32, 1), ("g5.12xlarge", 48, 192, 4)],
            Pool::Infra => &[("m5.2xlarge", 8, 32, 0)],
        }
    }
}

/// Writes the whole `kind: List` of `count` nodes.
fn node_list(count: usize) -> Result<String, fmt::Error> {
    let mut rng = Rng(SEED);
    let images = image_catalog(&mut rng);
    let mut out = String::with_capacity(count * 2400 + 256);
    out.push_str("apiVersion: v1\nitems:\n");
    for i in 0..count {
        node(&mut out, &mut rng, &images, i)?;
    }
    out.push_str("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    Ok(out)
}

/// A container image a node may have pulled: its names and size.
struct Image {
    /// `repo@sha256:...` and/or `repo:tag`.
    names: Vec<String>,
    /// Size in bytes.
    size: u64,
}

/// The images found on nodes; the first five are on every node, the rest on some.
fn image_catalog(rng: &mut Rng) -> Vec<Image> {
    let list: &[(&str, &str, bool)] = &[
        ("{ECR}/eks/kube-proxy", "v1.33.0-minimal-eksbuild.2", true),
        ("{ECR}/amazon-k8s-cni", "v1.19.5-eksbuild.1", true),
        ("{ECR}/eks/pause", "3.10", false),
        ("docker.io/calico/node", "v3.29.3", false),
        ("quay.io/prometheus/node-exporter", "v1.9.1", false),
        ("{ECR}/eks/aws-ebs-csi-driver", "v1.44.0", false),
        (
            "public.ecr.aws/aws-observability/aws-for-fluent-bit",
            "2.32.5",
            false,
        ),
        (
            "registry.k8s.io/sig-storage/csi-node-driver-registrar",
            "v2.13.0",
            false,
        ),
        (
            "registry.k8s.io/sig-storage/livenessprobe",
            "v2.15.0",
            false,
        ),
        ("gcr.io/datadoghq/agent", "7.66.1", false),
        ("docker.io/falcosecurity/falco", "0.41.1", false),
        (
            "registry.k8s.io/node-problem-detector/node-problem-detector",
            "v0.8.20",
            false,
        ),
        ("nvcr.io/nvidia/k8s-device-plugin", "v0.17.2", true),
        (
            "nvcr.io/nvidia/k8s/dcgm-exporter",
            "4.2.3-4.1.3-ubuntu22.04",
            false,
        ),
        (
            "ghcr.io/example-corp/payments/api-server",
            "2025.06.11-3f9c2ab",
            false,
        ),
        (
            "ghcr.io/example-corp/search/indexer-worker",
            "2025.06.02-a81d003",
            false,
        ),
        ("docker.io/library/nginx", "1.27.5-alpine", false),
        ("docker.io/bitnami/redis", "7.4.3-debian-12-r0", false),
    ];
    list.iter()
        .map(|(repo, tag, with_digest)| {
            let repo = repo.replace("{ECR}", ECR);
            let mut names = Vec::new();
            if *with_digest {
                names.push(format!("{repo}@sha256:{}", rng.hex(64)));
            }
            names.push(format!("{repo}:{tag}"));
            Image {
                names,
                size: 8_000_000 + rng.below(400_000_000),
            }
        })
        .collect()
}

/// Everything about one node that more than one part of its YAML uses.
struct NodeFacts {
    /// Node name (the EC2 private DNS name).
    name: String,
    /// Private IPv4 address.
    ip: String,
    /// Availability zone.
    zone: &'static str,
    /// EC2 instance id.
    instance: String,
    /// Node pool.
    pool: Pool,
    /// Instance type name.
    instance_type: &'static str,
    /// vCPUs.
    cpus: u64,
    /// GiB of memory.
    mem_gib: u64,
    /// GPUs.
    gpus: u64,
    /// True when the CPU is arm64.
    arm: bool,
    /// Cordoned (`unschedulable: true`).
    cordoned: bool,
    /// Kubelet not ready.
    not_ready: bool,
    /// When the node was created (unix seconds).
    created: i64,
}

/// Picks the facts of node `i`.
fn facts(rng: &mut Rng, i: usize) -> NodeFacts {
    let pool = if i < 3 {
        Pool::ControlPlane
    } else {
        match rng.below(100) {
            0..=59 => Pool::General,
            60..=74 => Pool::Arm,
            75..=86 => Pool::HighMem,
            87..=92 => Pool::Gpu,
            _ => Pool::Infra,
        }
    };
    let (instance_type, cpus, mem_gib, gpus) = *rng.pick(pool.instance_types());
    let zone = ["us-east-1a", "us-east-1b", "us-east-1c"][i % 3];
    let octet2 = 32 * (i % 3) + i / 64_000;
    let ip = format!("10.{octet2}.{}.{}", (i / 250) % 256, i % 250 + 4);
    let name = format!("ip-{}.ec2.internal", ip.replace('.', "-"));
    let worker = pool != Pool::ControlPlane;
    NodeFacts {
        name,
        ip,
        zone,
        instance: format!("i-0{}", rng.hex(16)),
        pool,
        instance_type,
        cpus,
        mem_gib,
        gpus,
        arm: pool == Pool::Arm,
        cordoned: worker && rng.chance(5),
        not_ready: worker && rng.chance(4),
        created: CLUSTER_START + i64::try_from(i).unwrap_or(0) * 37 + rng.below(30) as i64,
    }
}

/// Writes one node as an item of the list (two-space indented under `- `).
fn node(out: &mut String, rng: &mut Rng, images: &[Image], i: usize) -> fmt::Result {
    let f = facts(rng, i);
    out.push_str("- apiVersion: v1\n  kind: Node\n  metadata:\n");
    annotations(out, rng, &f)?;
    writeln!(out, "    creationTimestamp: \"{}\"", rfc3339(f.created))?;
    labels(out, &f)?;
    managed_fields(out, &f)?;
    writeln!(out, "    name: {}", f.name)?;
    writeln!(
        out,
        "    resourceVersion: \"{}\"",
        48_000_000 + rng.below(9_000_000)
    )?;
    writeln!(out, "    uid: {}", rng.uuid())?;
    spec(out, rng, &f, i)?;
    status(out, rng, images, &f)
}

/// Writes `metadata.annotations`.
fn annotations(out: &mut String, rng: &mut Rng, f: &NodeFacts) -> fmt::Result {
    out.push_str("    annotations:\n");
    writeln!(out, "      alpha.kubernetes.io/provided-node-ip: {}", f.ip)?;
    writeln!(
        out,
        "      csi.volume.kubernetes.io/nodeid: '{{\"ebs.csi.aws.com\":\"{0}\",\"efs.csi.aws.com\":\"{0}\"}}'",
        f.instance
    )?;
    if f.pool == Pool::ControlPlane {
        out.push_str(
            "      kubeadm.alpha.kubernetes.io/cri-socket: unix:///run/containerd/containerd.sock\n",
        );
    }
    out.push_str("      node.alpha.kubernetes.io/ttl: \"0\"\n");
    writeln!(out, "      projectcalico.org/IPv4Address: {}/19", f.ip)?;
    writeln!(
        out,
        "      projectcalico.org/IPv4VXLANTunnelAddr: 192.168.{}.{}",
        rng.below(256),
        rng.below(254) + 1
    )?;
    out.push_str("      volumes.kubernetes.io/controller-managed-attach-detach: \"true\"\n");
    Ok(())
}

/// Writes `metadata.labels` (about 15 to 20, sorted like kubectl prints them).
fn labels(out: &mut String, f: &NodeFacts) -> fmt::Result {
    let arch = if f.arm { "arm64" } else { "amd64" };
    let mut labels: Vec<(&str, String)> = vec![
        ("beta.kubernetes.io/arch", arch.into()),
        ("beta.kubernetes.io/instance-type", f.instance_type.into()),
        ("beta.kubernetes.io/os", "linux".into()),
        (
            "failure-domain.beta.kubernetes.io/region",
            "us-east-1".into(),
        ),
        ("failure-domain.beta.kubernetes.io/zone", f.zone.into()),
        ("kubernetes.io/arch", arch.into()),
        ("kubernetes.io/hostname", f.name.clone()),
        ("kubernetes.io/os", "linux".into()),
        ("node.kubernetes.io/instance-type", f.instance_type.into()),
        ("topology.ebs.csi.aws.com/zone", f.zone.into()),
        ("topology.k8s.aws/zone-id", zone_id(f.zone).into()),
        ("topology.kubernetes.io/region", "us-east-1".into()),
        ("topology.kubernetes.io/zone", f.zone.into()),
    ];
    if f.pool == Pool::ControlPlane {
        labels.push(("node-role.kubernetes.io/control-plane", String::new()));
        labels.push((
            "node.kubernetes.io/exclude-from-external-load-balancers",
            String::new(),
        ));
    } else {
        let capacity = if f.pool == Pool::General && f.cpus == 16 {
            "SPOT"
        } else {
            "ON_DEMAND"
        };
        labels.push(("eks.amazonaws.com/capacityType", capacity.into()));
        labels.push((
            "eks.amazonaws.com/nodegroup",
            format!("{}-20250301", f.pool.name()),
        ));
        labels.push(("karpenter.k8s.aws/instance-cpu", f.cpus.to_string()));
        labels.push((
            "karpenter.k8s.aws/instance-memory",
            (f.mem_gib * 1024).to_string(),
        ));
        labels.push(("nodepool", f.pool.name().into()));
    }
    if f.pool == Pool::Gpu {
        labels.push(("nvidia.com/gpu.count", f.gpus.to_string()));
        labels.push(("nvidia.com/gpu.present", "true".into()));
        labels.push(("nvidia.com/gpu.product", "NVIDIA-A10G".into()));
    }
    if f.pool == Pool::Infra {
        labels.push(("dedicated", "infra".into()));
        labels.push(("node-role.kubernetes.io/infra", String::new()));
    }
    labels.sort();
    out.push_str("    labels:\n");
    for (key, value) in labels {
        writeln!(out, "      {key}: {}", scalar(&value))?;
    }
    Ok(())
}

/// The AWS zone id of a zone name of this cluster.
fn zone_id(zone: &str) -> &'static str {
    match zone.chars().last() {
        Some('a') => "use1-az1",
        Some('b') => "use1-az2",
        _ => "use1-az4",
    }
}

/// Writes `metadata.managedFields`: the kubelet's two entries with nested `fieldsV1` sets.
fn managed_fields(out: &mut String, f: &NodeFacts) -> fmt::Result {
    let joined = rfc3339(f.created + 2);
    writeln!(
        out,
        "    managedFields:
    - apiVersion: v1
      fieldsType: FieldsV1
      fieldsV1:
        f:metadata:
          f:labels:
            .: {{}}
            f:kubernetes.io/arch: {{}}
            f:kubernetes.io/hostname: {{}}
        f:spec:
          f:providerID: {{}}
      manager: kubelet
      operation: Update
      time: \"{joined}\"
    - apiVersion: v1
      fieldsType: FieldsV1
      fieldsV1:
        f:status:
          f:conditions:
            k:{{\"type\":\"Ready\"}}:
              f:lastHeartbeatTime: {{}}
              f:status: {{}}
          f:images: {{}}
      manager: kubelet
      operation: Update
      subresource: status
      time: \"{}\"",
        rfc3339(DUMP_TIME - 300)
    )
}

/// Writes `spec`: pod CIDR, provider id, and the taints of the node's pool and state.
fn spec(out: &mut String, rng: &mut Rng, f: &NodeFacts, i: usize) -> fmt::Result {
    let cidr = format!("100.{}.{}.0/24", 64 + i / 256, i % 256);
    writeln!(
        out,
        "  spec:\n    podCIDR: {cidr}\n    podCIDRs:\n    - {cidr}"
    )?;
    writeln!(out, "    providerID: aws:///{}/{}", f.zone, f.instance)?;
    let since = rfc3339(DUMP_TIME - 600 - rng.below(3600) as i64);
    let mut taints: Vec<String> = Vec::new();
    match f.pool {
        Pool::ControlPlane => {
            taints.push(
                "effect: NoSchedule\n      key: node-role.kubernetes.io/control-plane".into(),
            );
        }
        Pool::Gpu => {
            taints
                .push("effect: NoSchedule\n      key: nvidia.com/gpu\n      value: present".into());
        }
        Pool::Infra => {
            taints.push("effect: NoExecute\n      key: dedicated\n      value: infra".into());
        }
        _ => {}
    }
    if f.not_ready {
        taints.push("effect: NoSchedule\n      key: node.kubernetes.io/not-ready".into());
        taints.push(format!(
            "effect: NoExecute\n      key: node.kubernetes.io/not-ready\n      timeAdded: \"{since}\""
        ));
    }
    if f.cordoned {
        taints.push(format!(
            "effect: NoSchedule\n      key: node.kubernetes.io/unschedulable\n      timeAdded: \"{since}\""
        ));
    }
    if !taints.is_empty() {
        out.push_str("    taints:\n");
        for taint in taints {
            writeln!(out, "    - {taint}")?;
        }
    }
    if f.cordoned {
        out.push_str("    unschedulable: true\n");
    }
    Ok(())
}

/// Writes `status`: addresses, allocatable, capacity, conditions, daemon endpoints, images,
/// node info, runtime handlers.
fn status(out: &mut String, rng: &mut Rng, images: &[Image], f: &NodeFacts) -> fmt::Result {
    out.push_str("  status:\n    addresses:\n");
    writeln!(out, "    - address: {}\n      type: InternalIP", f.ip)?;
    writeln!(out, "    - address: {}\n      type: InternalDNS", f.name)?;
    writeln!(out, "    - address: {}\n      type: Hostname", f.name)?;

    // Kubelet-style reservations: 6% of the first core, 1% of the second, 0.5% of the next
    // two, 0.25% of the rest; memory a little under the instance's GiB.
    let reserved_milli = 60 + 10 + 10 + (f.cpus.saturating_sub(4) * 5).div_ceil(2);
    let cap_ki = f.mem_gib * 1_048_576 - 350_000 - rng.below(200_000);
    let alloc_memory = match f.pool {
        Pool::ControlPlane => format!("{}Gi", f.mem_gib - 1),
        Pool::Gpu => format!("{}Mi", (cap_ki - 1_500_000) / 1024),
        _ => format!("{}Ki", cap_ki - 1_500_000),
    };
    let gpu = |out: &mut String| {
        if f.gpus > 0 {
            let _ = writeln!(out, "      nvidia.com/gpu: \"{}\"", f.gpus);
        }
    };
    writeln!(
        out,
        "    allocatable:\n      cpu: {}m\n      ephemeral-storage: \"95551679124\"\n      \
         hugepages-1Gi: \"0\"\n      hugepages-2Mi: \"0\"\n      memory: {alloc_memory}",
        f.cpus * 1000 - reserved_milli
    )?;
    gpu(out);
    out.push_str("      pods: \"110\"\n");
    writeln!(
        out,
        "    capacity:\n      cpu: \"{}\"\n      ephemeral-storage: 104845292Ki\n      \
         hugepages-1Gi: \"0\"\n      hugepages-2Mi: \"0\"\n      memory: {cap_ki}Ki",
        f.cpus
    )?;
    gpu(out);
    out.push_str("      pods: \"110\"\n");

    conditions(out, rng, f)?;
    out.push_str("    daemonEndpoints:\n      kubeletEndpoint:\n        Port: 10250\n");
    out.push_str("    features:\n      supplementalGroupsPolicy: true\n");

    out.push_str("    images:\n");
    for (k, image) in images.iter().enumerate() {
        // Five images are on every node, the NVIDIA ones on GPU nodes, the rest on some.
        let wanted = match k {
            0..=4 => true,
            12 | 13 => f.pool == Pool::Gpu,
            5..=11 => rng.chance(600),
            _ => rng.chance(150),
        };
        if !wanted {
            continue;
        }
        out.push_str("    - names:\n");
        for name in &image.names {
            writeln!(out, "      - {name}")?;
        }
        writeln!(out, "      sizeBytes: {}", image.size)?;
    }

    let arch = if f.arm { "arm64" } else { "amd64" };
    writeln!(
        out,
        "    nodeInfo:
      architecture: {arch}
      bootID: {}
      containerRuntimeVersion: containerd://1.7.27
      kernelVersion: 6.1.134-152.225.amzn2023.{}
      kubeProxyVersion: v1.33.0-eks-802817d
      kubeletVersion: v1.33.0-eks-802817d
      machineID: ec2{}
      operatingSystem: linux
      osImage: Amazon Linux 2023.7.20250527
      swap: {{}}
      systemUUID: ec2{}",
        rng.uuid(),
        if f.arm { "aarch64" } else { "x86_64" },
        rng.hex(29),
        &rng.uuid()[3..]
    )
}

/// Writes the five node conditions; a not-ready node has `Ready=False`.
fn conditions(out: &mut String, rng: &mut Rng, f: &NodeFacts) -> fmt::Result {
    let heartbeat = rfc3339(DUMP_TIME - rng.below(40) as i64);
    let started = rfc3339(f.created + 25);
    let calico = rfc3339(f.created + 41);
    out.push_str("    conditions:\n");
    let mut condition =
        |beat: &str, since: &str, message: &str, reason: &str, status: &str, kind: &str| {
            writeln!(
            out,
            "    - lastHeartbeatTime: \"{beat}\"\n      lastTransitionTime: \"{since}\"\n      \
             message: {message}\n      reason: {reason}\n      status: \"{status}\"\n      \
             type: {kind}"
        )
        };
    condition(
        &calico,
        &calico,
        "Calico is running on this node",
        "CalicoIsUp",
        "False",
        "NetworkUnavailable",
    )?;
    condition(
        &heartbeat,
        &started,
        "kubelet has sufficient memory available",
        "KubeletHasSufficientMemory",
        "False",
        "MemoryPressure",
    )?;
    condition(
        &heartbeat,
        &started,
        "kubelet has no disk pressure",
        "KubeletHasNoDiskPressure",
        "False",
        "DiskPressure",
    )?;
    condition(
        &heartbeat,
        &started,
        "kubelet has sufficient PID available",
        "KubeletHasSufficientPID",
        "False",
        "PIDPressure",
    )?;
    if f.not_ready {
        let since = rfc3339(DUMP_TIME - 900 - rng.below(3600) as i64);
        condition(
            &heartbeat,
            &since,
            "'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized'",
            "KubeletNotReady",
            "False",
            "Ready",
        )
    } else {
        condition(
            &heartbeat,
            &rfc3339(f.created + 52),
            "kubelet is posting ready status",
            "KubeletReady",
            "True",
            "Ready",
        )
    }
}

/// A YAML scalar for `value`, quoted the way kubectl would when plain text would not
/// read back as the same string.
fn scalar(value: &str) -> String {
    let reserved = matches!(
        value.to_ascii_lowercase().as_str(),
        "" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    );
    let numeric =
        value.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '-' || c == '+');
    if reserved || numeric {
        format!("\"{value}\"")
    } else {
        value.to_string()
    }
}

/// Formats unix seconds as an RFC 3339 UTC timestamp, e.g. `2025-06-15T12:00:00Z`.
fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known timestamps format as expected.
    #[test]
    fn formats_timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(CLUSTER_START), "2025-03-01T08:00:00Z");
        assert_eq!(rfc3339(DUMP_TIME), "2025-06-15T12:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    /// The same seed gives the same bytes, and the list has the requested number of nodes.
    #[test]
    fn deterministic_and_complete() {
        let a = node_list(20).expect("format");
        let b = node_list(20).expect("format");
        assert_eq!(a, b);
        assert_eq!(a.matches("\n- apiVersion: v1\n  kind: Node\n").count(), 20);
        assert!(a.ends_with("kind: List\nmetadata:\n  resourceVersion: \"\"\n"));
    }

    /// Ambiguous label values are quoted.
    #[test]
    fn quotes_scalars() {
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("16"), "\"16\"");
        assert_eq!(scalar("m5.xlarge"), "m5.xlarge");
    }
}
