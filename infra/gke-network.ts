import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export interface GkeNetworkArgs {
  readonly project: string;
  readonly region: string;
  /** The subnet's primary range: node addresses. */
  readonly nodeCidr: string;
  /** Secondary range for pod addresses (VPC-native). */
  readonly podsCidr: string;
  /** Secondary range for Service cluster IPs. */
  readonly servicesCidr: string;
}

/**
 * The network of one GKE cluster: its own VPC and subnet with secondary ranges for pods and
 * Services, Private Google Access, and Cloud NAT so that private nodes can pull public images.
 */
export class GkeNetwork extends pulumi.ComponentResource {
  /** Secondary range names the cluster's ipAllocationPolicy refers to. */
  public static readonly PODS_RANGE = 'pods';
  public static readonly SERVICES_RANGE = 'services';

  public readonly network: gcp.compute.Network;
  public readonly subnet: gcp.compute.Subnetwork;
  public readonly router: gcp.compute.Router;
  public readonly nat: gcp.compute.RouterNat;

  public constructor(name: string, args: GkeNetworkArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('k8sstack:infra:GkeNetwork', name, {}, opts);
    const { project, region } = args;
    this.network = new gcp.compute.Network(name, {
      name, project, autoCreateSubnetworks: false, routingMode: 'REGIONAL',
    }, { parent: this });
    this.subnet = new gcp.compute.Subnetwork(`${name}-nodes`, {
      name: `${name}-nodes`,
      project,
      region,
      network: this.network.id,
      ipCidrRange: args.nodeCidr,
      secondaryIpRanges: [
        { rangeName: GkeNetwork.PODS_RANGE, ipCidrRange: args.podsCidr },
        { rangeName: GkeNetwork.SERVICES_RANGE, ipCidrRange: args.servicesCidr },
      ],
      // Private nodes reach Google APIs (Artifact Registry, logging) without public addresses.
      privateIpGoogleAccess: true,
    }, { parent: this });
    this.router = new gcp.compute.Router(`${name}-router`, {
      name: `${name}-router`, project, region, network: this.network.id,
    }, { parent: this });
    this.nat = new gcp.compute.RouterNat(`${name}-nat`, {
      name: `${name}-nat`,
      project,
      region,
      router: this.router.name,
      natIpAllocateOption: 'AUTO_ONLY',
      sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
      subnetworks: [{ name: this.subnet.id, sourceIpRangesToNats: ['ALL_IP_RANGES'] }],
      logConfig: { enable: true, filter: 'ERRORS_ONLY' },
    }, { parent: this });
    this.registerOutputs({ network: this.network.id, subnet: this.subnet.id });
  }
}
