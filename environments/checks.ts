import { registryOf } from '../constructs/lib/validate';
import type { IssueReporter } from './app';
import type { PlatformValues } from './schema';

/**
 * Checks an app's values make against the platform's, shared by every app's `check`: the same
 * rule, and the same message, wherever an app names an image or a place for its pods.
 */

type Path = ReadonlyArray<string | number>;

/**
 * An image the platform admits: from one of `allowedRegistries`, and, where production enforces
 * Binary Authorization (which matches `<registry>/**` against the name as written), with its
 * registry written out.
 */
export function checkImage(platform: PlatformValues, image: { readonly repository: string }, path: Path, issue: IssueReporter): void {
  const { repository } = image;
  const at = [...path, 'repository'];
  if (platform.production && platform.cluster.kind === 'gke' && !/^[^/]*[.:][^/]*\//.test(repository)) {
    issue(at, `names no registry, and production enforces Binary Authorization on the name as written; write it in full, e.g. "docker.io/${repository.includes('/') ? repository : `library/${repository}`}"`);
  }
  const registry = registryOf(repository);
  if (!platform.allowedRegistries.includes(registry)) {
    issue(at, `comes from registry "${registry}", which is not in allowedRegistries (${platform.allowedRegistries.join(', ')}); use an image from one of those, or add the registry to allowedRegistries once it is reviewed`);
  }
}

/** A node pool and a priority tier the environment has. */
export function checkPlacement(platform: PlatformValues, placement: { readonly nodePool: string; readonly priorityClass: string }, path: Path, issue: IssueReporter): void {
  const pools = platform.nodePools.map((p) => p.name);
  if (!pools.includes(placement.nodePool)) issue([...path, 'nodePool'], `names no node pool of this environment; use one of: ${pools.join(', ')}`);
  const tiers = platform.priorities.map((t) => t.name);
  if (!tiers.includes(placement.priorityClass)) issue([...path, 'priorityClass'], `names no priority tier of this environment; use one of: ${tiers.join(', ')}`);
}
