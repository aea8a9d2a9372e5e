import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct, Dependable } from 'constructs';
import { ServiceAccess, WorkloadAccountProps, workloadAccount } from './access';
import { DisruptionBudget, PodCount, podCountValue } from './disruption-budget';
import { invalid, pathOf } from './lib/errors';
import { identityOf } from './lib/labels';
import { patchAdd } from './lib/patch';
import { AccessMode, accessModeProblem, accessModesProblem, check, dns1123LabelProblem, dns1123SubdomainProblem, intProblem, storageSizeProblem } from './lib/validate';
import { NetworkService, ServiceKind, ServicePortSpec } from './services';
import { ContainerSpec, PodIdentity, PodProps, basePodProps, checkServiceTargets, labelObject, podIdentity, renderPod, servicePortsOf } from './workload';

/**
 * The longest StatefulSet name: every revision labels its pods `controller-revision-hash:
 * <name>-<hash>` with a hash of up to 10 characters, and a label value may not exceed 63.
 */
export const MAX_STATEFUL_SERVICE_NAME = 52;

const RETENTION = ['Retain', 'Delete'] as const;

/**
 * One PersistentVolumeClaim per pod, from a `volumeClaimTemplates` entry: pod `<name>-N` keeps claim
 * `<claim>-<name>-N` across restarts and rescheduling. The templates are immutable once deployed:
 * growing a volume means editing each claim (with a StorageClass that allows expansion).
 */
export interface VolumeClaimSpec {
  /** Claim (and pod volume) name, an RFC 1123 label such as "data". */
  readonly name: string;
  /** Requested size, a Kubernetes quantity such as "10Gi". */
  readonly storageSize: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default ["ReadWriteOnce"] */
  readonly accessModes?: AccessMode[];
  /** Where the volume is mounted, read-write. Non-root pods usually need `fsGroup` to write to it. */
  readonly mountPath: string;
  /** The container (or init container) that mounts it. @default - the first container */
  readonly container?: string;
}

/** How a StatefulSet replaces pods after a template change. */
export type StatefulUpdateStrategy =
  | {
      readonly type: 'RollingUpdate';
      /** Only pods with an ordinal at or above this are updated: a canary of the highest ordinals. @default 0 */
      readonly partition?: number;
      /**
       * Pods that may be down at once during an update. Alpha in Kubernetes 1.28 (feature gate
       * MaxUnavailableStatefulSet); without the gate the API server ignores it and updates one by one.
       * @default - not set: one at a time
       */
      readonly maxUnavailable?: PodCount;
    }
  | { readonly type: 'OnDelete' };

export interface StatefulServiceProps extends WorkloadAccountProps, PodProps {
  /**
   * Replicas. Replicas alone do not make a database replicated, so the default is one.
   * @default 1
   */
  readonly replicas?: number;
  /** Per-pod persistent volumes. @default - none */
  readonly volumeClaims?: VolumeClaimSpec[];
  /**
   * What happens to the claims when the StatefulSet is deleted or scaled down (beta in 1.28, on by default).
   * @default { whenDeleted: "Retain", whenScaled: "Retain" } - data outlives the pods
   */
  readonly persistentVolumeClaimRetentionPolicy?: { readonly whenDeleted?: 'Retain' | 'Delete'; readonly whenScaled?: 'Retain' | 'Delete' };
  /** OrderedReady starts pod N+1 only when pod N is ready; Parallel starts and stops them all at once. @default "OrderedReady" */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** @default { type: "RollingUpdate", partition: 0 } */
  readonly updateStrategy?: StatefulUpdateStrategy;
  /** @default 0 */
  readonly minReadySeconds?: number;
  /** Old revisions kept for `kubectl rollout undo`. @default 10 */
  readonly revisionHistoryLimit?: number;
  /**
   * The governing headless Service (`clusterIP: None`) that gives each pod a stable DNS name,
   * `<name>-N.<serviceName>.<namespace>.svc`.
   * @default - named after the workload, exposing every port of the first container, addresses of ready pods only
   */
  readonly headlessService?: {
    /** @default - the workload name */
    readonly serviceName?: string;
    /** @default - every port of the first container */
    readonly ports?: ServicePortSpec[];
    /** Publish pods before they are ready, for peers that must find each other to become ready (quorum). @default false */
    readonly publishNotReadyAddresses?: boolean;
  };
  /**
   * A load-balanced Service for clients, next to the headless one (which resolves to every pod).
   * @default - none
   */
  readonly clientService?: {
    /** @default "<name>-client" */
    readonly serviceName?: string;
    /** ClusterIP, NodePort or LoadBalancer. @default { type: "ClusterIP" } */
    readonly kind?: ServiceKind;
    /** @default - every port of the first container */
    readonly ports?: ServicePortSpec[];
  };
  /**
   * PodDisruptionBudget. Give exactly one of minAvailable / maxUnavailable.
   * @default - maxUnavailable 1 when there are at least 2 replicas, none for a single replica
   */
  readonly disruptionBudget?: { readonly minAvailable?: PodCount; readonly maxUnavailable?: PodCount } | false;
  /**
   * Pod anti-affinity between replicas over `kubernetes.io/hostname`. Soft rather than hard by default:
   * hard anti-affinity leaves a pod Pending forever when there are fewer nodes than replicas (minikube,
   * small pools, a node drained during an upgrade), and with OrderedReady that blocks every higher
   * ordinal too. Choose "hard" where the node count is guaranteed.
   * @default - "soft" with at least 2 replicas, else "none"
   */
  readonly podAntiAffinity?: 'soft' | 'hard' | 'none';
}

/**
 * A stateful service: a StatefulSet with per-pod persistent volumes, its governing headless Service
 * (stable network identity), ordered or parallel pod management, partitioned rolling updates, a PDB,
 * spread over nodes, an optional client Service, its own least-privilege ServiceAccount, and pods that
 * pass the "restricted" Pod Security Standard.
 */
export class StatefulService extends Construct {
  public readonly name: string;
  public readonly statefulSet: kplus.StatefulSet;
  public readonly headlessService: NetworkService;
  public readonly clientService?: NetworkService;
  public readonly disruptionBudget?: DisruptionBudget;
  public readonly access?: ServiceAccess;
  public readonly identity: PodIdentity;

  public constructor(scope: Construct, id: string, props: StatefulServiceProps) {
    super(scope, id);
    if (typeof props.name === 'string' && props.name.length > MAX_STATEFUL_SERVICE_NAME) {
      invalid(this, 'name', props.name, `is ${props.name.length} characters long, but pods carry the label controller-revision-hash "<name>-<10-character hash>" and label values may not exceed 63`,
        `shorten it to at most ${MAX_STATEFUL_SERVICE_NAME} characters`);
    }
    check(this, 'name', props.name, dns1123LabelProblem(props.name, MAX_STATEFUL_SERVICE_NAME));
    const replicas = props.replicas ?? 1;
    check(this, 'replicas', replicas, intProblem(replicas, 0));
    const podManagementPolicy = props.podManagementPolicy ?? 'OrderedReady';
    if (podManagementPolicy !== 'OrderedReady' && podManagementPolicy !== 'Parallel') {
      invalid(this, 'podManagementPolicy', podManagementPolicy, 'is not a pod management policy', 'use "OrderedReady" or "Parallel"');
    }
    const strategy = props.updateStrategy ?? { type: 'RollingUpdate' };
    if (strategy.type === 'RollingUpdate') {
      const partition = strategy.partition ?? 0;
      check(this, 'updateStrategy.partition', partition, intProblem(partition, 0, replicas));
      const mu = strategy.maxUnavailable;
      if (typeof mu === 'number') check(this, 'updateStrategy.maxUnavailable', mu, intProblem(mu, 1));
      else if (mu !== undefined && (!/^\d{1,3}%$/.test(mu) || Number(mu.slice(0, -1)) < 1 || Number(mu.slice(0, -1)) > 100)) {
        invalid(this, 'updateStrategy.maxUnavailable', mu, 'is not a whole number from 1 or a percentage from 1% to 100%', 'use e.g. 1 or "25%"');
      }
    } else if (strategy.type !== 'OnDelete') {
      invalid(this, 'updateStrategy.type', (strategy as { type: unknown }).type, 'is not a StatefulSet update strategy', 'use "RollingUpdate" or "OnDelete"');
    }
    const retention = { whenDeleted: props.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain', whenScaled: props.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain' };
    for (const [k, v] of Object.entries(retention)) {
      if (!(RETENTION as readonly string[]).includes(v)) invalid(this, `persistentVolumeClaimRetentionPolicy.${k}`, v, 'is not a retention policy', 'use "Retain" or "Delete"');
    }
    const minReady = props.minReadySeconds ?? 0;
    check(this, 'minReadySeconds', minReady, intProblem(minReady, 0));
    const history = props.revisionHistoryLimit ?? 10;
    check(this, 'revisionHistoryLimit', history, intProblem(history, 0, 100));
    const containers = this.withClaimMounts(props);
    const headlessPorts = props.headlessService?.ports ?? servicePortsOf(props.containers[0]);
    if (headlessPorts.length === 0) {
      invalid(this, 'headlessService.ports', headlessPorts, 'is empty because the first container declares no ports', 'declare a container port, or give headlessService.ports');
    }
    checkServiceTargets(this, 'headlessService', headlessPorts, props.containers);
    const clientKind: ServiceKind = props.clientService?.kind ?? { type: 'ClusterIP' };
    if (!['ClusterIP', 'NodePort', 'LoadBalancer'].includes(clientKind.type)) {
      invalid(this, 'clientService.kind.type', clientKind.type, 'is not a Service type that load-balances over the pods', 'use "ClusterIP", "NodePort" or "LoadBalancer" (the headless Service already exists)');
    }
    const clientPorts = props.clientService?.ports ?? servicePortsOf(props.containers[0]);
    if (props.clientService) checkServiceTargets(this, 'clientService', clientPorts, props.containers);
    this.name = props.name;
    this.identity = podIdentity(this, props);
    const identity = identityOf(props);

    const account = workloadAccount(this, props);
    this.access = account.access;

    this.headlessService = new NetworkService(this, 'HeadlessService', {
      ...identity, serviceName: props.headlessService?.serviceName ?? props.name, namespace: props.namespace,
      kind: { type: 'Headless' }, selector: this.identity.selector, ports: headlessPorts,
      publishNotReadyAddresses: props.headlessService?.publishNotReadyAddresses ?? false,
    });
    this.statefulSet = new kplus.StatefulSet(this, 'Resource', {
      ...basePodProps(this, props.name, account.serviceAccountName, props, props.namespace),
      service: governingService(this.headlessService),
      replicas,
      podManagementPolicy: podManagementPolicy === 'Parallel' ? kplus.PodManagementPolicy.PARALLEL : kplus.PodManagementPolicy.ORDERED_READY,
      strategy: strategy.type === 'OnDelete'
        ? kplus.StatefulSetUpdateStrategy.onDelete()
        : kplus.StatefulSetUpdateStrategy.rollingUpdate({ partition: strategy.partition ?? 0 }),
      minReady: Duration.seconds(minReady),
    });
    const apiObject = ApiObject.of(this.statefulSet);
    labelObject(apiObject, this.identity, this, props.lintWaivers);
    const claims = props.volumeClaims ?? [];
    renderPod(this, { workload: this.statefulSet, templatePath: '/spec/template', hasSelector: true }, this.identity, {
      ...props,
      ...containers,
      podAntiAffinity: props.podAntiAffinity ?? (replicas >= 2 ? 'soft' : 'none'),
    }, claims.map((c) => c.name));
    patchAdd(apiObject, '/spec/revisionHistoryLimit', history);
    patchAdd(apiObject, '/spec/persistentVolumeClaimRetentionPolicy', retention);
    if (strategy.type === 'RollingUpdate' && strategy.maxUnavailable !== undefined) {
      patchAdd(apiObject, '/spec/updateStrategy/rollingUpdate/maxUnavailable', podCountValue(strategy.maxUnavailable));
    }
    if (claims.length > 0) {
      patchAdd(apiObject, '/spec/volumeClaimTemplates', claims.map((c) => ({
        // Selector labels only: the templates are immutable, so a version label would block every upgrade.
        metadata: { name: c.name, labels: { ...this.identity.selector } },
        spec: {
          accessModes: c.accessModes ?? ['ReadWriteOnce'],
          ...(c.storageClassName !== undefined ? { storageClassName: c.storageClassName } : {}),
          resources: { requests: { storage: k8s.Quantity.fromString(c.storageSize) } },
        },
      })));
    }

    if (props.clientService) {
      this.clientService = new NetworkService(this, 'ClientService', {
        ...identity, serviceName: props.clientService.serviceName ?? `${props.name}-client`, namespace: props.namespace,
        kind: clientKind, selector: this.identity.selector, ports: clientPorts,
      });
    }
    const budget = props.disruptionBudget ?? (replicas >= 2 ? {} : false);
    if (budget !== false) {
      this.disruptionBudget = new DisruptionBudget(this, 'DisruptionBudget', {
        ...identity, namespace: props.namespace, selector: this.identity.selector, replicas,
        minAvailable: budget.minAvailable, maxUnavailable: budget.maxUnavailable,
      });
    }
  }

  /** Validates the claims and returns the containers with a read-write mount for each. */
  private withClaimMounts(props: StatefulServiceProps): Pick<PodProps, 'containers' | 'initContainers'> {
    const claims = props.volumeClaims ?? [];
    const volumeNames = new Set((props.volumes ?? []).map((v) => v.name));
    const containerNames = [...(props.initContainers ?? []), ...props.containers].map((c) => c.name);
    const seen = new Set<string>();
    for (const c of claims) {
      const f = `volumeClaims[${c.name}]`;
      check(this, `${f}.name`, c.name, dns1123LabelProblem(c.name));
      if (seen.has(c.name)) invalid(this, `${f}.name`, c.name, 'is used by another claim', 'give each claim a unique name');
      if (volumeNames.has(c.name)) invalid(this, `${f}.name`, c.name, 'is also the name of a pod volume', 'rename the claim or the volume');
      seen.add(c.name);
      const size = storageSizeProblem(c.storageSize);
      // A claim template is a request per pod: the advice says so.
      check(this, `${f}.storageSize`, c.storageSize, size?.problem === 'is zero' ? { ...size, fix: 'request the space the data needs, e.g. "10Gi"' } : size);
      if (c.storageClassName !== undefined) check(this, `${f}.storageClassName`, c.storageClassName, dns1123SubdomainProblem(c.storageClassName));
      const modes = c.accessModes ?? ['ReadWriteOnce'];
      for (const m of modes) check(this, `${f}.accessModes`, m, accessModeProblem(m));
      check(this, `${f}.accessModes`, modes, accessModesProblem(modes));
      if (typeof c.mountPath !== 'string' || !c.mountPath.startsWith('/')) invalid(this, `${f}.mountPath`, c.mountPath, 'is not an absolute path', 'start it with "/", e.g. "/var/lib/data"');
      if (c.container !== undefined && !containerNames.includes(c.container)) invalid(this, `${f}.container`, c.container, 'names no container of this pod', `use one of: ${containerNames.join(', ')}`);
    }
    const mount = (c: ContainerSpec, first: boolean): ContainerSpec => {
      const mine = claims.filter((claim) => (claim.container ?? (first ? c.name : undefined)) === c.name);
      if (mine.length === 0) return c;
      const paths = new Set([...(c.mounts ?? []).map((m) => m.mountPath), ...(c.writablePaths ?? [])]);
      for (const claim of mine) {
        if (paths.has(claim.mountPath)) invalid(this, `volumeClaims[${claim.name}].mountPath`, claim.mountPath, `is already a mount path of container "${c.name}"`, 'mount each volume at its own path');
        paths.add(claim.mountPath);
      }
      return { ...c, mounts: [...(c.mounts ?? []), ...mine.map((claim) => ({ volume: claim.name, mountPath: claim.mountPath, readOnly: false }))] };
    };
    return {
      containers: props.containers.map((c, i) => mount(c, i === 0)),
      ...(props.initContainers ? { initContainers: props.initContainers.map((c) => mount(c, false)) } : {}),
    };
  }
}

/**
 * cdk8s-plus-28 takes the governing Service of a StatefulSet only as its own `Service` class, and
 * otherwise creates one (which throws without container ports). From it, the StatefulSet reads the
 * name (for `serviceName`), calls `select()` and adds a dependency. This reference gives it exactly
 * that for our NetworkService (which already selects the pods by their stable labels) and fails
 * loudly if a cdk8s-plus upgrade starts to use anything else.
 */
function governingService(headless: NetworkService): kplus.Service {
  const ref = { name: headless.serviceName, select: () => undefined };
  Dependable.implement(ref, { dependencyRoots: [headless] });
  return new Proxy(ref, {
    get(target, key, receiver) {
      if (typeof key === 'symbol' || key in target) return Reflect.get(target, key, receiver);
      throw new Error(`${pathOf(headless)}: cdk8s-plus read "${key}" of the StatefulSet's governing Service, which the reference to the headless NetworkService does not provide; extend governingService() in stateful-service.ts`);
    },
  }) as unknown as kplus.Service;
}
