import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export interface GkeEdgeArgs {
  readonly project: string;
  /** The host served, e.g. "shop.example.com". */
  readonly host: string;
  /** The reserved global address the Gateway names (`NamedAddress`). */
  readonly addressName: string;
  /** The Certificate Manager map the Gateway names (`networking.gke.io/certmap`). */
  readonly certificateMapName: string;
  /** Pulumi `protect` on the address: its IP is what DNS points at. @default false */
  readonly protect?: boolean;
}

/** A DNS record the zone of the host must hold. */
export interface DnsRecord {
  readonly name: pulumi.Output<string>;
  readonly type: pulumi.Output<string>;
  readonly data: pulumi.Output<string>;
}

/**
 * What GKE's Gateway controller needs from outside the cluster to serve HTTPS at a host, all
 * managed by the stack so that `destroy` leaves nothing billing:
 * - a reserved global IPv4 address, so the A record survives a re-created Gateway;
 * - a Google-managed certificate in Certificate Manager, authorized by a DNS record (a CNAME under
 *   `_acme-challenge`), so it is issued before traffic arrives and renewed without a step;
 * - a certificate map with the host's entry, which the Gateway names.
 *
 * The load balancer itself belongs to the Gateway object: the route layer of the deployment depends
 * on this component, so on destroy the Gateway (and with it, through GKE's finalizer, the
 * load balancer) is deleted first, then the map, certificate and address, then the cluster.
 */
export class GkeEdge extends pulumi.ComponentResource {
  public readonly address: gcp.compute.GlobalAddress;
  public readonly dnsAuthorization: gcp.certificatemanager.DnsAuthorization;
  public readonly certificate: gcp.certificatemanager.Certificate;
  public readonly certificateMap: gcp.certificatemanager.CertificateMap;
  public readonly mapEntry: gcp.certificatemanager.CertificateMapEntry;
  /** The records to create in the host's DNS zone: the A record and the certificate's authorization. */
  public readonly dnsRecords: DnsRecord[];

  public constructor(name: string, args: GkeEdgeArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('k8sstack:infra:GkeEdge', name, {}, opts);
    const { project, host } = args;
    // Children carry the component's dependencies (a component's own are not passed down): with
    // the cluster there, every edge resource is deleted before it.
    const child = { parent: this, ...(opts.dependsOn !== undefined ? { dependsOn: opts.dependsOn } : {}) };
    this.address = new gcp.compute.GlobalAddress(`${name}-address`, {
      project, name: args.addressName, addressType: 'EXTERNAL', ipVersion: 'IPV4', description: `HTTPS edge of ${host}`,
    }, { ...child, protect: args.protect ?? false });
    this.dnsAuthorization = new gcp.certificatemanager.DnsAuthorization(`${name}-dns-authorization`, {
      project, name: `${args.certificateMapName}-auth`, domain: host, location: 'global',
    }, child);
    this.certificate = new gcp.certificatemanager.Certificate(`${name}-certificate`, {
      project,
      name: `${args.certificateMapName}-cert`,
      scope: 'DEFAULT',
      managed: { domains: [host], dnsAuthorizations: [this.dnsAuthorization.id] },
    }, child);
    this.certificateMap = new gcp.certificatemanager.CertificateMap(`${name}-map`, {
      project, name: args.certificateMapName, description: `Certificates of ${host}`,
    }, child);
    this.mapEntry = new gcp.certificatemanager.CertificateMapEntry(`${name}-map-entry`, {
      project, name: `${args.certificateMapName}-entry`, map: this.certificateMap.name, hostname: host, certificates: [this.certificate.id],
    }, child);
    const auth = this.dnsAuthorization.dnsResourceRecords.apply((r) => r?.[0]);
    this.dnsRecords = [
      { name: pulumi.output(`${host}.`), type: pulumi.output('A'), data: this.address.address },
      { name: auth.apply((r) => r?.name ?? ''), type: auth.apply((r) => r?.type ?? 'CNAME'), data: auth.apply((r) => r?.data ?? '') },
    ];
    this.registerOutputs({ address: this.address.address, dnsRecords: this.dnsRecords });
  }

  /** What the Gateway must wait for, and be deleted before. */
  public get dependencies(): pulumi.Resource[] {
    return [this.address, this.mapEntry];
  }
}
