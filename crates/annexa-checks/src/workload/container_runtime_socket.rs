//! Pods that mount the container runtime's socket, or a directory holding it.

use super::support::{volume_name, volumes};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Value;
use annexa_load::span::child;
use annexa_load::{Object, Workload};

/// Where the container runtimes Kubernetes nodes use put their API sockets.
const SOCKETS: [&str; 14] = [
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/dockershim.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/run/k3s/containerd/containerd.sock",
    "/var/snap/microk8s/common/run/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/podman/podman.sock",
    "/run/podman/podman.sock",
    "/run/user/0/podman/podman.sock",
];

/// Socket file names that belong to a runtime wherever they are.
const SOCKET_NAMES: [&str; 6] =
    ["docker.sock", "dockershim.sock", "cri-dockerd.sock", "containerd.sock", "crio.sock", "podman.sock"];

/// `path` without repeated or trailing slashes, `.` or `..`.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Whether mounting `path` exposes a runtime socket: the socket itself, a socket file of a
/// runtime's name anywhere, or a directory that contains one of the known sockets.
fn exposes_socket(path: &str) -> bool {
    let path = normalise(path);
    let name = path.rsplit('/').next().unwrap_or_default();
    SOCKET_NAMES.contains(&name)
        || SOCKETS
            .iter()
            .any(|s| *s == path || path == "/" || s.strip_prefix(path.as_str()).is_some_and(|r| r.starts_with('/')))
}

check! {
    /// ## What it checks
    /// `hostPath` volumes whose path is a container runtime's API socket (Docker, containerd,
    /// CRI-O, cri-dockerd, Podman, including the k3s and MicroK8s locations), any file named
    /// like one of those sockets, or a directory that contains one, such as `/var/run`, `/run`,
    /// `/run/containerd` or `/` itself. Paths are compared after removing repeated and trailing
    /// slashes and
    /// resolving `.` and `..`.
    ///
    /// ## Why it matters
    /// Whoever can talk to the runtime socket can start a privileged container with the node's
    /// root filesystem mounted, read every other container's environment and files, or stop
    /// them. Mounting the socket is, in effect, handing out root on the node without the pod
    /// ever looking privileged.
    ///
    /// ## Remediation
    /// Remove the volume. Build images with a daemonless builder (BuildKit rootless, Kaniko,
    /// Buildah) instead of the node's Docker, and read container metadata through the
    /// Kubernetes API. Node agents that must reach the runtime should mount only the socket,
    /// run in a dedicated namespace and carry an exemption in `annexa.toml` with an owner, a
    /// reason and an expiry.
    ///
    /// ## References
    /// Kubernetes documentation: volumes, hostPath (security warnings).
    /// OWASP Docker Security Cheat Sheet: do not expose the Docker daemon socket.
    pub struct ContainerRuntimeSocket;
    id: "K8S-0008",
    slug: "container-runtime-socket",
    title: "Pod mounts the container runtime socket",
    severity: Critical,
    target: Target::Workload,
    controls: [A8_2, A8_18, A8_9],
    strategies: [],
    aliases: ["C-0074", "CKV_K8S_27", "KSV-0006", "KSV006", "disallow-cri-sock-mount", "K8sPSPHostFilesystem", "hostPathSet", "docker-sock"],
}

impl Check for ContainerRuntimeSocket {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for (pointer, v) in volumes(o, w) {
            let Some(path) = v.get("hostPath").and_then(|h| h.get("path")).and_then(Value::as_str) else { continue };
            if exposes_socket(path) {
                out.object(
                    &Self::META,
                    o,
                    &child(&child(&pointer, "hostPath"), "path"),
                    format!(
                        "volume `{}` mounts `{path}`, which exposes the container runtime's socket",
                        volume_name(v)
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockets_and_the_directories_holding_them_are_recognised() {
        for p in [
            "/var/run/docker.sock",
            "/var/run/",
            "//run",
            "/",
            "/run/containerd",
            "/srv/ci/docker.sock",
            "/var",
            "/var/log/../run",
        ] {
            assert!(exposes_socket(p), "{p}");
        }
        for p in ["/var/log", "/var/run/secrets", "/run/containerd-data", "/var/lib/kubelet", "/etc/ssl/certs"] {
            assert!(!exposes_socket(p), "{p}");
        }
    }
}
