//! Compose services that mount the container runtime's socket.

use super::common::{Service, interpolate, services};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;
use annexa_load::Value;

check! {
    /// ## What it checks
    /// Service `volumes` that bind-mount a container runtime's API socket into the container:
    /// `docker.sock`, `containerd.sock`, `crio.sock`, `podman.sock`, `cri-dockerd.sock` and
    /// `dockershim.sock` wherever they live (rootless `/run/user/1000/docker.sock` included),
    /// Docker's Windows named pipe `//./pipe/docker_engine`, and the directories that hold
    /// them (`/var/run`, `/run`, `/run/containerd`...). Both the short syntax
    /// (`/var/run/docker.sock:/var/run/docker.sock:ro`) and the long syntax (`type: bind`,
    /// `source:`) are read, and `${VAR:-default}` sources are judged on their default. A
    /// read-only mount fires too: `:ro` protects the socket file, not the API behind it.
    ///
    /// ## Why it matters
    /// Whoever can talk to the runtime's socket can start a privileged container with the
    /// host's root file system mounted: the socket is root on the host. A vulnerability in the
    /// service (often a CI agent, a reverse proxy or a dashboard) becomes a takeover of the
    /// machine and every container and secret on it.
    ///
    /// ## Remediation
    /// Remove the mount. Services that only need to discover containers can use a filtering
    /// proxy (for example a socket proxy allowing read-only `GET /containers`); builds can use
    /// rootless BuildKit or Kaniko instead of the host's daemon. Where the socket is truly
    /// needed, run the service on a dedicated host and record an exemption.
    ///
    /// ## References
    /// Compose specification, service `volumes` (short and long syntax).
    /// Docker documentation, protecting the Docker daemon socket.
    /// CIS Docker Benchmark, recommendation not to mount the Docker socket inside containers.
    pub struct ComposeRuntimeSocket;
    id: "CMP-0005",
    slug: "compose-runtime-socket",
    title: "Compose service mounts the container runtime socket",
    severity: Critical,
    target: Target::Compose,
    controls: [A8_2, A8_18, A8_9],
    strategies: [AhlcSr1],
    aliases: [],
}

/// Sockets that give control of a container runtime.
const SOCKETS: [&str; 6] =
    ["docker.sock", "containerd.sock", "crio.sock", "podman.sock", "cri-dockerd.sock", "dockershim.sock"];

/// Directories that hold a runtime socket: mounting them mounts the socket.
const SOCKET_DIRS: [&str; 10] = [
    "/var/run",
    "/run",
    "/var/run/docker",
    "/run/docker",
    "/var/run/containerd",
    "/run/containerd",
    "/var/run/crio",
    "/run/crio",
    "/var/run/podman",
    "/run/podman",
];

/// Whether a host path is a runtime socket or a directory holding one.
fn is_socket(source: &str) -> bool {
    let lower = source.to_ascii_lowercase().replace('\\', "/");
    if lower.trim_start_matches('/').starts_with("./pipe/docker_engine") {
        return true;
    }
    let path = if lower.len() > 1 { lower.trim_end_matches('/') } else { lower.as_str() };
    let name = path.rsplit('/').next().unwrap_or_default();
    let host_path = path.starts_with(['/', '$', '~']);
    host_path && (SOCKETS.contains(&name) || SOCKET_DIRS.contains(&path))
}

/// The host source of one `volumes` item: the short syntax's part before the first `:`, or the
/// long syntax's `source` for `bind` and `npipe` mounts; with the pointer to report.
fn source<'v>(s: &Service<'_>, index: usize, item: &'v Value) -> Option<(String, String, &'v str)> {
    let i = index.to_string();
    match item {
        Value::String(short) => {
            let written = short.as_str();
            let value = interpolate(written).unwrap_or_else(|| written.to_owned());
            // `//./pipe/docker_engine:\\.\pipe\docker_engine` has no drive letter to confuse.
            let host = value.split(':').next().unwrap_or_default().to_owned();
            Some((host, s.pointer(&["volumes", &i]), written))
        }
        Value::Object(long) => {
            let kind = long.get("type").and_then(Value::as_str).unwrap_or("bind");
            if kind != "bind" && kind != "npipe" {
                return None;
            }
            let written = long.get("source").and_then(Value::as_str)?;
            let value = interpolate(written).unwrap_or_else(|| written.to_owned());
            Some((value, s.pointer(&["volumes", &i, "source"]), written))
        }
        _ => None,
    }
}

impl Check for ComposeRuntimeSocket {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        for s in services(doc) {
            let Some(volumes) = s.spec.get("volumes").and_then(Value::as_array) else { continue };
            for (index, item) in volumes.iter().enumerate() {
                let Some((host, pointer, _written)) = source(&s, index, item) else { continue };
                if is_socket(&host) {
                    out.at(
                        &Self::META,
                        doc.locate(&pointer),
                        Some(s.resource()),
                        format!("service `{}` mounts `{host}`, which gives control of the container runtime", s.name),
                    )
                    .fix(s.pointer(&["volumes", &index.to_string()]), Value::Null);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::common::tests_support::lines;

    #[test]
    fn short_and_long_syntax() {
        let text = [
            "services:",
            "  a:",
            "    image: x:1",
            "    volumes:",
            "      - /var/run/docker.sock:/var/run/docker.sock:ro",
            "      - data:/data",
            "      - ./docker.sock:/x",
            "      - type: bind",
            "        source: /run/containerd/containerd.sock",
            "        target: /run/containerd/containerd.sock",
            "      - type: volume",
            "        source: docker.sock",
            "        target: /y",
            "      - ${SOCK:-/var/run/docker.sock}:/var/run/docker.sock",
            "      - /var/run/:/host/run",
            "      - /run/user/1000/docker.sock:/var/run/docker.sock",
            "      - //./pipe/docker_engine://./pipe/docker_engine",
            "      - /var/lib/app:/app",
        ]
        .join("\n");
        assert_eq!(lines(&ComposeRuntimeSocket, &text), [5, 9, 14, 15, 16, 17]);
    }
}
