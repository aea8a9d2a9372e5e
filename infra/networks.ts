import type { Problem } from '../constructs/lib/validate';

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** GKE accepts at most this many master authorized networks on a public endpoint. */
export const MAX_AUTHORIZED_NETWORKS = 50;

/**
 * A range allowed to reach the GKE control plane: an IPv4 CIDR without host bits, never the whole
 * internet (0.0.0.0/0 or any /0), since the API server is the cluster's most sensitive door.
 */
export function authorizedNetworkProblem(value: unknown): Problem | undefined {
  const example = 'list the public ranges of your office, VPN or CI runners, e.g. "203.0.113.0/24"';
  if (typeof value !== 'string') return { problem: 'is not a string', fix: example };
  const m = IPV4_CIDR.exec(value);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || prefix > 32) return { problem: 'is not an IPv4 CIDR', fix: example };
  if (prefix === 0) {
    return { problem: 'opens the control plane to the whole internet', fix: example };
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const network = address - (address % size);
  if (network !== address) {
    const canonical = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
    return { problem: 'has host bits set', fix: `use the network address, "${canonical}/${prefix}"` };
  }
  return undefined;
}
