import * as kplus from 'cdk8s-plus-28';

/**
 * The container security context every container gets: it passes the Pod Security Standards
 * "restricted" profile. cdk8s-plus-28 sets non-root, non-privileged, read-only root and no
 * privilege escalation by default but neither drops capabilities nor sets a seccomp profile.
 */
export function restrictedContainerSecurity(user?: number, group?: number): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    privileged: false,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
    ...(user !== undefined ? { user } : {}),
    ...(group !== undefined ? { group } : {}),
  };
}

/** The pod-level seccomp profile (the pod security context of cdk8s-plus-28 has no such field). */
export const POD_SECCOMP_PROFILE = { type: 'RuntimeDefault' } as const;
