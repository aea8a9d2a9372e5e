import { field, item, list } from '../objects';
import { containersOf, isWindows, PodTemplate } from '../pods';
import { defineRule } from '../rule';

/**
 * Pod Security Standards, "restricted" profile as of Kubernetes v1.28, one rule per control
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/), so that a waiver names
 * exactly the control it lifts. The restricted profile includes every baseline control.
 *
 * kube-linter's host-network, host-pid, host-ipc, privileged-container, privilege-escalation-container,
 * run-as-non-root and drop-net-raw-capability checks ask for a subset of what these controls ask
 * for on the same fields, so they are not repeated as rules of their own: one problem, one line,
 * one waiver.
 */

/** Capabilities the baseline profile lets a container add. */
const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP',
  'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
/** The safe sysctls of v1.28 (ip_local_reserved_ports joined in v1.27). */
const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
]);
const RESTRICTED_VOLUME_TYPES: readonly string[] = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
];
const SELINUX_TYPES: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const SECCOMP_TYPES: ReadonlySet<string> = new Set(['RuntimeDefault', 'Localhost']);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

const podSecurityContext = (t: PodTemplate): string => field(t.specPath, 'securityContext');
const containerNames = (names: readonly string[]): string => `container${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')}`;

export const POD_SECURITY_RULES = [
  defineRule({
    id: 'pss-host-process',
    source: 'pod-security',
    description: 'Pod Security Standards (baseline) HostProcess: no Windows HostProcess pods or containers.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        const podPath = `${podSecurityContext(t)}.windowsOptions.hostProcess`;
        if (t.spec.securityContext?.windowsOptions?.hostProcess === true) {
          report(t.object, podPath, true, 'runs the pod as a Windows HostProcess with full access to the node', `remove ${podPath}`);
        }
        for (const c of containersOf(t)) {
          const path = `${c.path}.securityContext.windowsOptions.hostProcess`;
          if (c.container.securityContext?.windowsOptions?.hostProcess === true) {
            report(t.object, path, true, `runs container "${c.name}" as a Windows HostProcess with full access to the node`, `remove ${path}`);
          }
        }
      }
    },
  }),
  defineRule({
    id: 'pss-host-namespaces',
    source: 'pod-security',
    description: 'Pod Security Standards (baseline) Host Namespaces: hostNetwork, hostPID and hostIPC unset or false (also kube-linter host-network, host-pid, host-ipc).',
    check(inv, _ctx, report) {
      const shares = { hostNetwork: 'network', hostPID: 'process', hostIPC: 'IPC' } as const;
      for (const t of inv.templates) {
        for (const [name, what] of Object.entries(shares)) {
          const value = t.spec[name as keyof typeof shares];
          if (value === true) {
            const path = field(t.specPath, name);
            report(t.object, path, value, `shares the node's ${what} namespace with the pod`, `remove ${path} or set it to false`);
          }
        }
      }
    },
  }),
  defineRule({
    id: 'pss-privileged',
    source: 'pod-security',
    description: 'Pod Security Standards (baseline) Privileged Containers: securityContext.privileged unset or false (also kube-linter privileged-container).',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        for (const c of containersOf(t)) {
          if (c.container.securityContext?.privileged === true) {
            const path = `${c.path}.securityContext.privileged`;
            report(t.object, path, true, `runs container "${c.name}" privileged, with every device and capability of the node`, `set ${path} to false`);
          }
        }
      }
    },
  }),
  defineRule({
    id: 'pss-capabilities',
    source: 'pod-security',
    description: 'Pod Security Standards Capabilities: baseline allows adding only its short list; restricted requires dropping ALL and adding at most NET_BIND_SERVICE (also kube-linter drop-net-raw-capability).',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        // The restricted half of the control is Linux-only; the baseline half applies everywhere.
        const restricted = !isWindows(t);
        for (const c of containersOf(t)) {
          const base = `${c.path}.securityContext.capabilities`;
          const caps = c.container.securityContext?.capabilities;
          list(caps?.add).forEach((cap, i) => {
            if (!BASELINE_CAPABILITIES.has(cap)) {
              report(t.object, item(`${base}.add`, i), cap, `adds capability ${cap} to container "${c.name}", which even the baseline profile forbids`, `remove it from ${base}.add`);
            } else if (restricted && cap !== 'NET_BIND_SERVICE') {
              report(t.object, item(`${base}.add`, i), cap, `adds capability ${cap} to container "${c.name}"; the restricted profile allows adding only NET_BIND_SERVICE`, `remove it from ${base}.add`);
            }
          });
          if (restricted && !list(caps?.drop).includes('ALL')) {
            report(t.object, `${base}.drop`, caps?.drop, `does not drop ALL capabilities of container "${c.name}", so it keeps NET_RAW and the runtime's other defaults`, `set ${base}.drop to ["ALL"]`);
          }
        }
      }
    },
  }),
  defineRule({
    id: 'pss-host-path-volumes',
    source: 'pod-security',
    description: 'Pod Security Standards (baseline) HostPath Volumes: no hostPath volumes.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        list(t.spec.volumes).forEach((v, i) => {
          if (v?.hostPath !== undefined) {
            const path = `${item(field(t.specPath, 'volumes'), i)}.hostPath`;
            report(t.object, path, v.hostPath, `mounts the node's filesystem into volume "${v.name}"`, 'use a persistentVolumeClaim, configMap or emptyDir volume instead; a node agent that must read the host gets a waiver in the environment\'s "waivers" list');
          }
        });
      }
    },
  }),
  defineRule({
    id: 'pss-host-ports',
    source: 'pod-security',
    description: 'Pod Security Standards (baseline) Host Ports: containers[*].ports[*].hostPort unset or 0.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        for (const c of containersOf(t)) {
          list(c.container.ports).forEach((p, i) => {
            if (p?.hostPort !== undefined && p.hostPort !== 0) {
              const path = `${item(`${c.path}.ports`, i)}.hostPort`;
              report(t.object, path, p.hostPort, `binds container "${c.name}" to a port of the node`, `remove ${path} and reach the pod through a Service`);
            }
          });
        }
      }
    },
  }),
  defineRule({
    id: 'pss-apparmor',
    source: 'pod-security',
    description: 'Pod Security Standards (baseline) AppArmor: container.apparmor.security.beta.kubernetes.io/* annotations only runtime/default or localhost/<profile>.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        for (const [key, value] of Object.entries(t.annotations)) {
          if (!key.startsWith(APPARMOR_ANNOTATION)) continue;
          if (value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'))) continue;
          const container = key.slice(APPARMOR_ANNOTATION.length);
          report(t.object, field(`${t.metadataPath}.annotations`, key), value, `overrides the default AppArmor profile of container "${container}"`, 'set it to "runtime/default" or "localhost/<profile>", or remove it');
        }
      }
    },
  }),
  defineRule({
    id: 'pss-selinux',
    source: 'pod-security',
    description: 'Pod Security Standards (baseline) SELinux: seLinuxOptions.type only container_t, container_init_t or container_kvm_t; no custom user or role.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        const contexts = [
          { options: t.spec.securityContext?.seLinuxOptions, path: `${podSecurityContext(t)}.seLinuxOptions`, who: 'the pod' },
          ...containersOf(t).map((c) => ({ options: c.container.securityContext?.seLinuxOptions, path: `${c.path}.securityContext.seLinuxOptions`, who: `container "${c.name}"` })),
        ];
        for (const { options, path, who } of contexts) {
          if (options == null) continue;
          if (options.type !== undefined && !SELINUX_TYPES.has(options.type)) {
            report(t.object, `${path}.type`, options.type, `gives ${who} an SELinux type other than the container types`, `set ${path}.type to container_t, container_init_t or container_kvm_t, or remove it`);
          }
          for (const name of ['user', 'role'] as const) {
            if (options[name] !== undefined && options[name] !== '') {
              report(t.object, `${path}.${name}`, options[name], `sets a custom SELinux ${name} for ${who}`, `remove ${path}.${name}`);
            }
          }
        }
      }
    },
  }),
  defineRule({
    id: 'pss-proc-mount',
    source: 'pod-security',
    description: 'Pod Security Standards (baseline) /proc Mount Type: securityContext.procMount unset or Default.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        for (const c of containersOf(t)) {
          const procMount = c.container.securityContext?.procMount;
          if (procMount !== undefined && procMount !== 'Default') {
            const path = `${c.path}.securityContext.procMount`;
            report(t.object, path, procMount, `unmasks /proc of container "${c.name}"`, `remove ${path} or set it to Default`);
          }
        }
      }
    },
  }),
  defineRule({
    id: 'pss-seccomp',
    source: 'pod-security',
    description: 'Pod Security Standards Seccomp: baseline forbids Unconfined; restricted requires RuntimeDefault or Localhost on the pod or on every container.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        const podPath = `${podSecurityContext(t)}.seccompProfile.type`;
        const podType = t.spec.securityContext?.seccompProfile?.type;
        if (podType !== undefined && !SECCOMP_TYPES.has(podType)) {
          report(t.object, podPath, podType, podType === 'Unconfined' ? 'turns seccomp off for the pod' : 'is not a seccomp profile type the restricted profile allows', `set ${podPath} to RuntimeDefault`);
        }
        const unset: string[] = [];
        for (const c of containersOf(t)) {
          const path = `${c.path}.securityContext.seccompProfile.type`;
          const type = c.container.securityContext?.seccompProfile?.type;
          if (type === undefined) unset.push(c.name);
          else if (!SECCOMP_TYPES.has(type)) {
            report(t.object, path, type, type === 'Unconfined' ? `turns seccomp off for container "${c.name}"` : `is not a seccomp profile type the restricted profile allows`, `set ${path} to RuntimeDefault, or remove it to inherit the pod's profile`);
          }
        }
        if (podType === undefined && unset.length > 0 && !isWindows(t)) {
          report(t.object, podPath, undefined, `is not set and neither is the profile of ${containerNames(unset)}, so it runs without seccomp`, `set ${podPath} to RuntimeDefault`);
        }
      }
    },
  }),
  defineRule({
    id: 'pss-sysctls',
    source: 'pod-security',
    description: 'Pod Security Standards (baseline) Sysctls: only the safe set.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        list(t.spec.securityContext?.sysctls).forEach((s, i) => {
          if (!SAFE_SYSCTLS.has(s?.name)) {
            const path = `${item(`${podSecurityContext(t)}.sysctls`, i)}.name`;
            report(t.object, path, s?.name, 'is not a namespaced sysctl that is safe to set per pod', `remove it; the safe ones are ${[...SAFE_SYSCTLS].join(', ')}`);
          }
        });
      }
    },
  }),
  defineRule({
    id: 'pss-volume-types',
    source: 'pod-security',
    description: `Pod Security Standards (restricted) Volume Types: only ${RESTRICTED_VOLUME_TYPES.join(', ')}.`,
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        list(t.spec.volumes).forEach((v, i) => {
          const type = (v !== null && typeof v === 'object' ? Object.keys(v) : []).find((k) => k !== 'name');
          if (type !== undefined && !RESTRICTED_VOLUME_TYPES.includes(type)) {
            report(t.object, item(field(t.specPath, 'volumes'), i), type, `makes volume "${v.name}" of type ${type}, which the restricted profile forbids`, `use one of ${RESTRICTED_VOLUME_TYPES.join(', ')}`);
          }
        });
      }
    },
  }),
  defineRule({
    id: 'pss-privilege-escalation',
    source: 'pod-security',
    description: 'Pod Security Standards (restricted) Privilege Escalation: allowPrivilegeEscalation false on every container (also kube-linter privilege-escalation-container).',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        if (isWindows(t)) continue; // a Linux-only control
        for (const c of containersOf(t)) {
          const value = c.container.securityContext?.allowPrivilegeEscalation;
          if (value !== false) {
            const path = `${c.path}.securityContext.allowPrivilegeEscalation`;
            report(t.object, path, value, `lets processes of container "${c.name}" gain more privileges than their parent (setuid binaries)`, `set ${path} to false`);
          }
        }
      }
    },
  }),
  defineRule({
    id: 'pss-run-as-non-root',
    source: 'pod-security',
    description: 'Pod Security Standards (restricted) Running as Non-root: runAsNonRoot true on the pod or on every container, never false (also kube-linter run-as-non-root).',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        const podPath = `${podSecurityContext(t)}.runAsNonRoot`;
        const podValue = t.spec.securityContext?.runAsNonRoot;
        if (podValue === false) report(t.object, podPath, false, 'lets the pod run as root', `set ${podPath} to true`);
        const unset: string[] = [];
        for (const c of containersOf(t)) {
          const value = c.container.securityContext?.runAsNonRoot;
          if (value === false) {
            const path = `${c.path}.securityContext.runAsNonRoot`;
            report(t.object, path, false, `lets container "${c.name}" run as root`, `set ${path} to true, or remove it to inherit the pod's setting`);
          } else if (value !== true) unset.push(c.name);
        }
        if (podValue === undefined && unset.length > 0) {
          report(t.object, podPath, undefined, `is not set and neither is runAsNonRoot of ${containerNames(unset)}, so it may run as root`, `set ${podPath} to true`);
        }
      }
    },
  }),
  defineRule({
    id: 'pss-run-as-user',
    source: 'pod-security',
    description: 'Pod Security Standards (restricted) Running as Non-root user: runAsUser never 0.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        const podPath = `${podSecurityContext(t)}.runAsUser`;
        if (t.spec.securityContext?.runAsUser === 0) report(t.object, podPath, 0, 'runs the pod as root', `set ${podPath} to a non-zero UID, e.g. 65532`);
        for (const c of containersOf(t)) {
          if (c.container.securityContext?.runAsUser === 0) {
            const path = `${c.path}.securityContext.runAsUser`;
            report(t.object, path, 0, `runs container "${c.name}" as root`, `set ${path} to a non-zero UID, e.g. 65532, or remove it`);
          }
        }
      }
    },
  }),
];
