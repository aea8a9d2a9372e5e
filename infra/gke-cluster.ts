import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { NodePool, TaintEffect } from '../constructs/node-pool';
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
  /** Only admit images the project's Binary Authorization policy allows. @default false */
  readonly binaryAuthorization?: boolean;
  /** Encrypt Secrets in etcd with a Cloud KMS key this component creates. @default false */
  readonly secretsEncryption?: boolean;
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
  /** Lets the control plane reach admission webhooks on the nodes (private clusters allow only 443 and 10250). */
  public readonly webhookFirewall: gcp.compute.Firewall;
  /** The key Secrets are encrypted with, when `secretsEncryption`. */
  public readonly secretsKey?: gcp.kms.CryptoKey;
  /** A kubeconfig using gke-gcloud-auth-plugin; a secret. */
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly provider: k8s.Provider;
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
      deletionProtection: args.deletionProtection,
      ...(args.binaryAuthorization ? { binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' } } : {}),
      ...(this.secretsKey ? { databaseEncryption: { state: 'ENCRYPTED', keyName: this.secretsKey.id } } : {}),
    }, {
      parent: this,
      protect: args.protect ?? false,
      // The GKE service agent must be able to use the key before the cluster is created with it.
      dependsOn: encryptionGrant ? [encryptionGrant] : [],
    });

    // A private control plane reaches nodes only on 443 and 10250. ingress-nginx serves its
    // validating webhook on 8443 with failurePolicy Fail: without this rule every Ingress write,
    // cert-manager's ACME solver Ingresses included, times out.
    this.webhookFirewall = new gcp.compute.Firewall(`${name}-webhooks`, {
      name: `${args.name}-master-webhooks`,
      project,
      network: this.network.network.id,
      direction: 'INGRESS',
      sourceRanges: [args.masterCidr],
      allows: [{ protocol: 'tcp', ports: ['8443'] }],
      targetServiceAccounts: [this.nodeServiceAccount.email],
      description: 'GKE control plane to admission webhooks on the nodes (ingress-nginx)',
    }, { parent: this });

    this.nodePools = args.nodePools.map((pool) => new gcp.container.NodePool(`${name}-${pool.name}`, {
      // A generated suffix lets a replacement (a new machine type) come up before the old pool is
      // drained and deleted; workloads select pools by the k8s-stack.io/pool label, never by name.
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
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { parent: this });

    // The notes: kubectl create clusterrolebinding iam-cluster-admin-binding --clusterrole=cluster-admin --user=<operator>
    this.operatorBinding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-operator`, {
      metadata: { name: OPERATOR_BINDING_NAME },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: args.operatorEmail }],
    }, { parent: this, provider: this.provider });

    this.registerOutputs({ clusterName: this.cluster.name, endpoint: this.cluster.endpoint, kubeconfig: this.kubeconfig });
  }
}
