import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AccessRule, ServiceAccess, WorkloadAccountProps, WorkloadServiceAccount, workloadAccount } from './access';
import { PodCount, podCountValue } from './disruption-budget';
import { invalid } from './lib/errors';
import { patchAdd } from './lib/patch';
import { check, dns1123LabelProblem, intProblem } from './lib/validate';
import { NodePool, Toleration } from './node-pool';
import { PodIdentity, PodProps, allowHostPaths, basePodProps, labelObject, podIdentity, renderPod } from './workload';

/** What a log agent reads to enrich records with pod and namespace metadata. */
const POD_METADATA_RULES: AccessRule[] = [{ apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] }];

export interface NodeAgentProps extends WorkloadAccountProps, PodProps {
  /** Nodes whose agent may be down at once during a rollout. @default 1 */
  readonly maxUnavailable?: PodCount;
  /**
   * Nodes that may run a new agent next to the old one during a rollout, so logs keep flowing; only
   * for agents that bind no host port. When above 0, maxUnavailable may be 0.
   * @default 0
   */
  readonly maxSurge?: PodCount;
  /** @default 0 */
  readonly minReadySeconds?: number;
  /** Old revisions kept for `kubectl rollout undo`. @default 10 */
  readonly revisionHistoryLimit?: number;
  /**
   * Node pools whose nodes must run the agent too: it gets a toleration for every taint of each (and
   * of `nodePool`), without `tolerationSeconds`: an agent must stay for the node's whole life.
   * @default - none: the agent runs only on untainted nodes (and on `nodePool`, when set)
   */
  readonly tolerateNodePools?: NodePool[];
  /** Tolerate every taint (one `operator: Exists` toleration), so no node is ever without the agent. @default false */
  readonly tolerateAll?: boolean;
  /**
   * Read pods and namespaces cluster-wide (a read-only ClusterRole) and mount the API token, to enrich
   * log records with metadata. With an existing ServiceAccount only the token is mounted: that
   * account's access is granted where it is defined.
   * @default true
   */
  readonly readPodMetadata?: boolean;
  /**
   * Mount the service account token into the pod.
   * @default - true when readPodMetadata is on, else false
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * The ServiceAccount: by default one of its own, named after the workload, with only the pod-metadata
   * read access. Give namespaced rules to grant more, or the name of an existing account.
   * @default - own account
   */
  readonly serviceAccount?: WorkloadServiceAccount;
}

/**
 * A per-node agent such as a log collector: a DaemonSet that tolerates the taints of every pool it
 * must run on, reads host paths read-only, rolls out node by node, reads pod metadata through a
 * read-only ClusterRole, and otherwise keeps to the "restricted" Pod Security Standard (waivers for
 * the controls it cannot meet are explicit annotations).
 */
export class NodeAgent extends Construct {
  public readonly name: string;
  public readonly daemonSet: kplus.DaemonSet;
  public readonly access?: ServiceAccess;
  public readonly identity: PodIdentity;

  public constructor(scope: Construct, id: string, props: NodeAgentProps) {
    super(scope, id);
    check(this, 'name', props.name, dns1123LabelProblem(props.name));
    const maxUnavailable = props.maxUnavailable ?? 1;
    const maxSurge = props.maxSurge ?? 0;
    for (const [field, v] of [['maxUnavailable', maxUnavailable], ['maxSurge', maxSurge]] as const) {
      if (typeof v === 'number') check(this, field, v, intProblem(v, 0));
      else if (!/^\d{1,3}%$/.test(v) || Number(v.slice(0, -1)) > 100) invalid(this, field, v, 'is not a whole number or a percentage from 0% to 100%', 'use e.g. 1 or "10%"');
    }
    if (isZero(maxUnavailable) && isZero(maxSurge)) {
      invalid(this, 'maxUnavailable', maxUnavailable, 'is 0 with maxSurge 0, so the rollout can never replace an agent', 'allow maxUnavailable or maxSurge of at least 1');
    }
    const minReady = props.minReadySeconds ?? 0;
    check(this, 'minReadySeconds', minReady, intProblem(minReady, 0));
    const history = props.revisionHistoryLimit ?? 10;
    check(this, 'revisionHistoryLimit', history, intProblem(history, 0, 100));
    const tolerateAll = props.tolerateAll ?? false;
    if (tolerateAll && props.tolerations !== undefined) {
      invalid(this, 'tolerations', props.tolerations, 'are set together with tolerateAll, which already tolerates every taint', 'remove one of them');
    }
    const hostPathVolumes = new Map((props.volumes ?? []).flatMap((v) => (v.type === 'hostPath' ? [[v.name, v.path] as const] : [])));
    for (const [volume, path] of hostPathVolumes) {
      if (!path.startsWith('/')) invalid(this, `volumes[${volume}].path`, path, 'is not an absolute path', 'give the host path from "/", e.g. "/var/log"');
      if (path.replace(/\/+$/, '') === '') invalid(this, `volumes[${volume}].path`, path, 'mounts the whole host file system', 'mount only the directories the agent reads, e.g. "/var/log/pods"');
    }
    for (const [kind, containers] of [['initContainers', props.initContainers ?? []], ['containers', props.containers]] as const) {
      for (const c of containers) {
        for (const m of c.mounts ?? []) {
          if (hostPathVolumes.has(m.volume) && m.readOnly === false) {
            invalid(this, `${kind}[${c.name}].mounts[${m.volume}].readOnly`, m.readOnly, `would let the agent write to host path "${hostPathVolumes.get(m.volume)}" of every node`,
              'remove readOnly: false (host paths are mounted read-only); keep state such as read positions in a writablePaths emptyDir');
          }
        }
      }
    }
    const readPodMetadata = props.readPodMetadata ?? true;
    this.name = props.name;
    this.identity = podIdentity(this, props);

    const account = workloadAccount(this, props, { clusterRules: readPodMetadata ? POD_METADATA_RULES : undefined });
    this.access = account.access;

    const podProps: PodProps = {
      ...props,
      tolerations: agentTolerations(props, tolerateAll),
      automountServiceAccountToken: props.automountServiceAccountToken ?? readPodMetadata,
    };
    const base = basePodProps(this, props.name, account.serviceAccountName, podProps, props.namespace);
    this.daemonSet = new kplus.DaemonSet(this, 'Resource', {
      ...base,
      metadata: {
        ...base.metadata,
      },
      minReadySeconds: minReady,
    });
    const apiObject = ApiObject.of(this.daemonSet);
    labelObject(apiObject, this.identity, this, props.lintWaivers);
    renderPod(this, allowHostPaths({ workload: this.daemonSet, templatePath: '/spec/template', hasSelector: true }), this.identity, podProps);
    patchAdd(apiObject, '/spec/revisionHistoryLimit', history);
    patchAdd(apiObject, '/spec/updateStrategy', {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: podCountValue(maxUnavailable), maxSurge: podCountValue(maxSurge) },
    });
  }
}

function isZero(v: PodCount): boolean {
  return v === 0 || v === '0%';
}

/**
 * The agent's tolerations: the explicit ones (else those of `nodePool`), plus every taint of each pool
 * in `tolerateNodePools`. Tolerations taken from pools carry no `tolerationSeconds`: with seconds, a
 * NoExecute toleration evicts the agent that long after it starts, and the DaemonSet recreates it, in
 * a loop. `tolerateAll` replaces them all with one Exists toleration.
 */
function agentTolerations(props: NodeAgentProps, tolerateAll: boolean): Toleration[] {
  if (tolerateAll) return [{ operator: 'Exists' }];
  const forever = (pool: NodePool) => pool.tolerations().map((t): Toleration => ({
    key: t.key, operator: t.operator, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect,
  }));
  const all = props.tolerations ? [...props.tolerations] : props.nodePool ? forever(props.nodePool) : [];
  for (const pool of props.tolerateNodePools ?? []) {
    for (const t of forever(pool)) if (!all.some((have) => JSON.stringify(have) === JSON.stringify(t))) all.push(t);
  }
  return all;
}
