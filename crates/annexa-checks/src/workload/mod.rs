//! Workload checks: pod and container settings, judged on effective (inherited) values.

mod apparmor_unconfined;
mod capabilities_not_dropped;
mod container_runtime_socket;
mod dangerous_capabilities;
mod host_ipc;
mod host_network;
mod host_path_volume;
mod host_pid;
mod host_port;
mod low_uid_or_gid;
mod net_raw_capability;
mod privilege_escalation;
mod privileged_container;
mod restricted_volume_types;
mod run_as_root;
mod seccomp_unconfined;
mod selinux_custom_options;
mod support;
mod unmasked_proc_mount;
mod unsafe_sysctls;
mod windows_host_process;
mod writable_host_path;
mod writable_root_filesystem;

pub use apparmor_unconfined::ApparmorUnconfined;
pub use capabilities_not_dropped::CapabilitiesNotDropped;
pub use container_runtime_socket::ContainerRuntimeSocket;
pub use dangerous_capabilities::DangerousCapabilities;
pub use host_ipc::HostIpc;
pub use host_network::HostNetwork;
pub use host_path_volume::HostPathVolume;
pub use host_pid::HostPid;
pub use host_port::HostPort;
pub use low_uid_or_gid::LowUidOrGid;
pub use net_raw_capability::NetRawCapability;
pub use privilege_escalation::PrivilegeEscalation;
pub use privileged_container::PrivilegedContainer;
pub use restricted_volume_types::RestrictedVolumeTypes;
pub use run_as_root::RunAsRoot;
pub use seccomp_unconfined::SeccompUnconfined;
pub use selinux_custom_options::SelinuxCustomOptions;
pub use unmasked_proc_mount::UnmaskedProcMount;
pub use unsafe_sysctls::UnsafeSysctls;
pub use windows_host_process::WindowsHostProcess;
pub use writable_host_path::WritableHostPath;
pub use writable_root_filesystem::WritableRootFilesystem;

use crate::Check;

/// The workload checks, in id order.
pub(crate) static CHECKS: &[&dyn Check] = &[
    &PrivilegedContainer,
    &PrivilegeEscalation,
    &RunAsRoot,
    &LowUidOrGid,
    &WritableRootFilesystem,
    &HostPathVolume,
    &WritableHostPath,
    &ContainerRuntimeSocket,
    &HostNetwork,
    &HostPid,
    &HostIpc,
    &HostPort,
    &DangerousCapabilities,
    &CapabilitiesNotDropped,
    &NetRawCapability,
    &SeccompUnconfined,
    &ApparmorUnconfined,
    &SelinuxCustomOptions,
    &UnmaskedProcMount,
    &UnsafeSysctls,
    &WindowsHostProcess,
    &RestrictedVolumeTypes,
];
