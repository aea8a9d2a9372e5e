import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { NodePool, TaintEffect } from '../constructs/node-pool';
import { clusterProvider } from './cluster-provider';
import { GkeNetwork } from './gke-network';
import { gkeKubeconfig } from './kubeconfig';
import { authorizedNetworkProblem } from './networks';

/** Kubernetes taint effects as the GKE API spells them. */
export const GKE_TAINT_EFFECTS: Readonly<Record<TaintEffect, string>> = {
  NoSchedule: 'NO_SCHEDULE',
  PreferNoSchedule: 'PREFER_NO_SCHEDULE',
  NoExecute: 'NO_EXECUTE',
};

/** The only project roles the node service account gets: write logs and metrics, read images. */
export const NODE_SERVICE_ACCOUNT_ROLES: readonly string[] = [
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
  'roles/artifactregistry.reader',
];

/** Nodes get the broad scope; what they may do is restricted by IAM (the roles above). */
export const NODE_OAUTH_SCOPES: readonly string[] = ['https://www.googleapis.com/auth/cloud-platform'];

/** The name of the operator's binding, as the notes create it with kubectl. */
export const OPERATOR_BINDING_NAME = 'iam-cluster-admin-binding';

export interface GkeClusterArgs {
  readonly project: string;
  /** Cluster name; also prefixes the network, service account and key names. */
  readonly name: string;
  readonly region: string;
  /** The zone of this zonal cluster and its node pools. */
  readonly zone: string;
  readonly releaseChannel: 'RAPID' | 'REGULAR' | 'STABLE';
  readonly nodeCidr: string;
  readonly podsCidr: string;
  readonly servicesCidr: string;
  /** The /28 of the Google-managed control plane of this private cluster. */
  readonly masterCidr: string;
  /** One GKE node pool each. */
  readonly nodePools: readonly NodePool[];
  /** CIDRs allowed to reach the control plane's public endpoint; never 0.0.0.0/0. */
  readonly authorizedNetworks: readonly string[];
  /** The Google account bound to cluster-admin. */
  readonly operatorEmail: string;
  /** GKE-side deletion protection. */
  readonly deletionProtection: boolean;
  /**
   * Enforce Binary Authorization with a policy this component writes: images only from these
   * registries (`<registry>/**`, matched against the name as written in the pod), Google's system
   * images, nothing else. The policy is the project's singleton: give such a cluster its own project.
   * @default - not enforced
   */
  readonly binaryAuthorization?: { readonly allowedRegistries: readonly string[] };
  /**
   * When GKE may upgrade and repair: weekly, on `days` (RRULE BYDAY, "SA"), from `startUtc` ("17:00")
   * for `hours`. Without one, auto-upgrades move pods (the single database pod too) at any hour.
   */
  readonly maintenanceWindow: { readonly days: readonly string[]; readonly startUtc: string; readonly hours: number };
  /** Encrypt Secrets in etcd with a Cloud KMS key this component creates. @default false */
  readonly secretsEncryption?: boolean;
  /** Run GKE's built-in Gateway API controller (the standard channel's CRDs and classes). @default false */
  readonly gatewayApi?: boolean;
  /** Pulumi `protect` on the cluster and its key: no accidental replacement or deletion. @default false */
  readonly protect?: boolean;
}

/**
 * A hardened, private, VPC-native zonal GKE cluster: the notes' `gcloud container clusters create`
 * as code, with separate node pools from the environment's pool descriptions (labels, taints,
 * autoscaling), a least-privilege node service account, Workload Identity, Dataplane V2, Cloud NAT,
 * master authorized networks, optional Binary Authorization and KMS encryption of Secrets, and the
 * operator's cluster-admin binding. Exposes a Kubernetes provider for everything deployed into it.
 */
export class GkeCluster extends pulumi.ComponentResource {
  public readonly network: GkeNetwork;
  public readonly nodeServiceAccount: gcp.serviceaccount.Account;
  public readonly cluster: gcp.container.Cluster;
  public readonly nodePools: gcp.container.NodePool[];
  /** The project's Binary Authorization policy, when `binaryAuthorization` is set. */
  public readonly binaryAuthorizationPolicy?: gcp.binaryauthorization.Policy;
  /** The key Secrets are encrypted with, when `secretsEncryption`. */
  public readonly secretsKey?: gcp.kms.CryptoKey;
  /** A kubeconfig using gke-gcloud-auth-plugin; a secret. */
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly provider: k8s.Provider;
  /** The uid of the cluster's kube-system namespace, the provider's identity (cluster-provider.ts). */
  public readonly identity: pulumi.Output<string>;
  public readonly operatorBinding: k8s.rbac.v1.ClusterRoleBinding;
  /** What workloads must wait for (and be deleted before): the node pools. */
  public readonly readiness: pulumi.Resource[];

  public constructor(name: string, args: GkeClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('k8sstack:infra:GkeCluster', name, {}, opts);
    const where = `GkeCluster "${name}"`;
    const { project } = args;
    if (args.authorizedNetworks.length === 0) {
      throw new pulumi.ResourceError(`${where}: authorizedNetworks is empty, so nobody could reach the control plane; list the ranges of your office, VPN or CI runners`, this, true);
    }
    for (const cidr of args.authorizedNetworks) {
      const p = authorizedNetworkProblem(cidr);
      if (p) throw new pulumi.ResourceError(`${where}: authorizedNetworks "${cidr}" ${p.problem}; ${p.fix}`, this, true);
    }
    const accountId = `${args.name}-nodes`;
    if (!/^[a-z]([-a-z0-9]{4,28}[a-z0-9])$/.test(accountId)) {
      throw new pulumi.ResourceError(`${where}: the node service account id "${accountId}" is not 6-30 lower-case letters, digits and "-"; use a cluster name of 1 to 24 characters starting with a letter`, this, true);
    }

    this.network = new GkeNetwork(args.name, {
      project, region: args.region, nodeCidr: args.nodeCidr, podsCidr: args.podsCidr, servicesCidr: args.servicesCidr,
    }, { parent: this });

    // A dedicated node identity instead of the Compute Engine default account (project Editor).
    this.nodeServiceAccount = new gcp.serviceaccount.Account(`${name}-nodes`, {
      project, accountId, displayName: `GKE nodes of ${args.name}`,
    }, { parent: this });
    const nodeRoles = NODE_SERVICE_ACCOUNT_ROLES.map((role) => new gcp.projects.IAMMember(`${name}-nodes-${role.split('/')[1]}`, {
      project, role, member: pulumi.interpolate`serviceAccount:${this.nodeServiceAccount.email}`,
    }, { parent: this }));

    let encryptionGrant: gcp.kms.CryptoKeyIAMMember | undefined;
    if (args.secretsEncryption) {
      // Key rings can never be deleted in Cloud KMS, and a destroyed key makes the data it encrypted
      // unreadable: both are protected and left in place on destroy.
      const keyOpts = { parent: this, protect: args.protect ?? false, retainOnDelete: true };
      const ring = new gcp.kms.KeyRing(`${name}-secrets`, { project, name: `${args.name}-secrets`, location: args.region }, keyOpts);
      this.secretsKey = new gcp.kms.CryptoKey(`${name}-etcd`, {
        name: `${args.name}-etcd`, keyRing: ring.id, purpose: 'ENCRYPT_DECRYPT', rotationPeriod: '7776000s',
      }, keyOpts);
      const projectNumber = gcp.organizations.getProjectOutput({ projectId: project }, { parent: this }).number;
      encryptionGrant = new gcp.kms.CryptoKeyIAMMember(`${name}-etcd-gke-agent`, {
        cryptoKeyId: this.secretsKey.id,
        role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
        member: pulumi.interpolate`serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`,
      }, { parent: this });
    }

    if (args.binaryAuthorization) {
      // Deny by default; admit the reviewed registries and Google's own system images. Deleting
      // it on destroy returns the project to its default policy (allow all).
      this.binaryAuthorizationPolicy = new gcp.binaryauthorization.Policy(`${name}-images`, {
        project,
        globalPolicyEvaluationMode: 'ENABLE',
        admissionWhitelistPatterns: args.binaryAuthorization.allowedRegistries.map((r) => ({ namePattern: `${r}/**` })),
        defaultAdmissionRule: { evaluationMode: 'ALWAYS_DENY', enforcementMode: 'ENFORCED_BLOCK_AND_AUDIT_LOG' },
      }, { parent: this, protect: args.protect ?? false });
    }
    const window = maintenanceWindow(args.maintenanceWindow);

    this.cluster = new gcp.container.Cluster(name, {
      name: args.name,
      project,
      location: args.zone,
      network: this.network.network.id,
      subnetwork: this.network.subnet.id,
      networkingMode: 'VPC_NATIVE',
      ipAllocationPolicy: { clusterSecondaryRangeName: GkeNetwork.PODS_RANGE, servicesSecondaryRangeName: GkeNetwork.SERVICES_RANGE },
      // Node pools are managed separately: the default one is created (the API needs one) and removed.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      // The temporary default pool boots as the dedicated account too, never as the Compute Engine
      // default account (project Editor), with the same hardening as the real pools.
      nodeConfig: {
        serviceAccount: this.nodeServiceAccount.email,
        oauthScopes: [...NODE_OAUTH_SCOPES],
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        metadata: { 'disable-legacy-endpoints': 'true' },
      },
      maintenancePolicy: { recurringWindow: window },
      releaseChannel: { channel: args.releaseChannel },
      workloadIdentityConfig: { workloadPool: `${project}.svc.id.goog` },
      privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: args.masterCidr },
      masterAuthorizedNetworksConfig: {
        cidrBlocks: args.authorizedNetworks.map((cidrBlock) => ({ cidrBlock, displayName: `operator ${cidrBlock}` })),
        gcpPublicCidrsAccessEnabled: false,
      },
      // Dataplane V2 (eBPF) enforces the charts' NetworkPolicies; no separate network policy addon.
      datapathProvider: 'ADVANCED_DATAPATH',
      enableLegacyAbac: false,
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      enableShieldedNodes: true,
      addonsConfig: {
        httpLoadBalancing: { disabled: false },
        horizontalPodAutoscaling: { disabled: false },
        // The StorageClass provisioner pd.csi.storage.gke.io.
        gcePersistentDiskCsiDriverConfig: { enabled: true },
      },
      ...(args.gatewayApi ? { gatewayApiConfig: { channel: 'CHANNEL_STANDARD' } } : {}),
      deletionProtection: args.deletionProtection,
      ...(this.binaryAuthorizationPolicy ? { binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' } } : {}),
      ...(this.secretsKey ? { databaseEncryption: { state: 'ENCRYPTED', keyName: this.secretsKey.id } } : {}),
    }, {
      parent: this,
      protect: args.protect ?? false,
      // The GKE service agent must be able to use the key before the cluster is created with it;
      // the default pool's nodes boot with their account's roles; the policy is in place first.
      dependsOn: [...(encryptionGrant ? [encryptionGrant] : []), ...nodeRoles, ...(this.binaryAuthorizationPolicy ? [this.binaryAuthorizationPolicy] : [])],
      // nodeConfig describes only the default pool, removed right after creation: a later change
      // must not replace the cluster.
      ignoreChanges: ['nodeConfig'],
    });

    this.nodePools = args.nodePools.map((pool) => new gcp.container.NodePool(`${name}-${pool.name}`, {
      // A generated suffix lets a replacement (spot, or any field GKE cannot update) come up
      // before the old pool is drained and deleted; workloads select pools by the k8s-stack.io/pool
      // label, never by name. The suffix is 26 characters: pool names are at most 13 (MAX_GKE_POOL_NAME).
      namePrefix: `${pool.name}-`,
      project,
      location: args.zone,
      cluster: this.cluster.name,
      initialNodeCount: pool.minNodes,
      autoscaling: { minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes },
      management: { autoRepair: true, autoUpgrade: true },
      upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
      nodeConfig: {
        machineType: pool.machineType,
        diskSizeGb: pool.diskSizeGb,
        diskType: 'pd-balanced',
        imageType: 'COS_CONTAINERD',
        spot: pool.spot,
        labels: { ...pool.labels },
        taints: pool.taints.map((t) => ({ key: t.key, value: t.value ?? '', effect: GKE_TAINT_EFFECTS[t.effect] })),
        serviceAccount: this.nodeServiceAccount.email,
        oauthScopes: [...NODE_OAUTH_SCOPES],
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        metadata: { 'disable-legacy-endpoints': 'true' },
      },
    }, {
      parent: this,
      // Nodes boot with their identity's roles in place and NAT to pull images; on destroy the
      // nodes go first.
      dependsOn: [this.network.nat, ...nodeRoles],
      // The autoscaler owns the node count after creation; a changed minNodes must only move the
      // autoscaling bounds, never replace the pool (initialNodeCount forces a replacement).
      ignoreChanges: ['initialNodeCount'],
    }));
    this.readiness = [...this.nodePools];

    const context = `gke_${project}_${args.zone}_${args.name}`;
    this.kubeconfig = pulumi.secret(pulumi.all([this.cluster.endpoint, this.cluster.masterAuth]).apply(
      ([endpoint, auth]) => gkeKubeconfig(context, endpoint, auth.clusterCaCertificate ?? ''),
    ));
    // Keyed on the cluster, not the kubeconfig: a CA or endpoint rotation is an update.
    const target = clusterProvider(`${name}-k8s`, { connection: { kubeconfig: this.kubeconfig }, ready: this.cluster.endpoint }, this);
    this.provider = target.provider;
    this.identity = target.identity;

    // The notes: kubectl create clusterrolebinding iam-cluster-admin-binding --clusterrole=cluster-admin --user=<operator>
    this.operatorBinding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-operator`, {
      metadata: { name: OPERATOR_BINDING_NAME },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: args.operatorEmail }],
    }, { parent: this, provider: this.provider });

    this.registerOutputs({ clusterName: this.cluster.name, endpoint: this.cluster.endpoint, kubeconfig: this.kubeconfig });
  }
}

/**
 * A weekly GKE maintenance window as the API takes it: a first occurrence (any past date; only the
 * times and the recurrence count) and an RRULE. GKE requires 48 hours of availability in any 32
 * days, in occurrences of at least 4 hours; the schema checks both.
 */
export function maintenanceWindow(w: { readonly days: readonly string[]; readonly startUtc: string; readonly hours: number }): { startTime: string; endTime: string; recurrence: string } {
  const [h, m] = w.startUtc.split(':').map(Number);
  const start = new Date(Date.UTC(2024, 0, 6, h, m));
  const end = new Date(start.getTime() + w.hours * 3600_000);
  const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
  return { startTime: iso(start), endTime: iso(end), recurrence: `FREQ=WEEKLY;BYDAY=${w.days.join(',')}` };
}
