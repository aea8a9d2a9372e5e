/**
 * Every version of the end-to-end toolchain, in one place. `npm run toolchain` builds these from
 * source through the Go module proxy into a cache outside the repository, keyed by a hash of this
 * file's values (toolchain/build.ts). Change a version here and the next run builds a new cache.
 */

/** A Go program (or several from one module) built from a generated module that requires it. */
export interface GoTool {
  /** The module that holds the main packages. */
  readonly module: string;
  /** The version of `module` to build, as the module proxy serves it. */
  readonly version: string;
  /** What the version is, when `version` is a pseudo-version (the release it is). */
  readonly release?: string;
  /** The main packages to build, each giving one binary named after its last path element. */
  readonly packages: readonly string[];
  /**
   * The module's go.mod replaces some modules with folders of its own repository, which a module
   * zip does not contain. Each such module is required at the version the go.mod requires it at,
   * or at the version given here when that is a placeholder such as v0.0.0.
   */
  readonly localReplaceVersions?: Readonly<Record<string, string>>;
  /** `go build -tags`. */
  readonly tags?: readonly string[];
  /** `-X` linker settings (version stamps). */
  readonly stamps?: Readonly<Record<string, string>>;
  /** GOTOOLCHAIN for this build. @default - the machine's Go (`local`) */
  readonly goToolchain?: string;
  /**
   * A main package of our own, written into the generated module, instead of the module's own main
   * package: for a main that embeds files its release process generates (they are not in the zip).
   */
  readonly generatedMain?: 'pulumi-resource-kubernetes';
}

/** Kubernetes' own components at the patch release every environment pins (environments/*.ts). */
export const KUBERNETES_VERSION = '1.28.15';
/**
 * The newest minor GKE's REGULAR channel offers (its release notes list 1.33 to 1.36 as available in
 * Regular in 2026): staging and prod run there, so their output must be accepted by it too.
 */
export const GKE_REGULAR_VERSION = '1.36.3';

const kubernetesStamps = (v: string): Record<string, string> => {
  const [major, minor] = v.split('.');
  return {
    'k8s.io/component-base/version.gitVersion': `v${v}`,
    'k8s.io/component-base/version.gitMajor': major,
    'k8s.io/component-base/version.gitMinor': minor,
    'k8s.io/component-base/version.gitTreeState': 'clean',
    'k8s.io/client-go/pkg/version.gitVersion': `v${v}`,
    'k8s.io/client-go/pkg/version.gitMajor': major,
    'k8s.io/client-go/pkg/version.gitMinor': minor,
  };
};

/** Kubernetes' staging modules (k8s.io/api, ...) are released as v0.<minor>.<patch>. */
const stagingVersion = (v: string): string => `v0.${v.split('.').slice(1).join('.')}`;

/** The npm packages whose plugins the engine loads, at the versions package.json pins. */
export const PULUMI_VERSION = '3.248.0';
export const PULUMI_KUBERNETES_VERSION = '4.25.0';

export const GO_TOOLS = {
  kubernetes: {
    module: 'k8s.io/kubernetes',
    version: `v${KUBERNETES_VERSION}`,
    packages: ['cmd/kube-apiserver', 'cmd/kube-controller-manager', 'cmd/kube-scheduler', 'cmd/kubectl'],
    localReplaceVersions: { '*': stagingVersion(KUBERNETES_VERSION) },
    // No in-tree cloud provider code: the local control plane has no cloud.
    tags: ['providerless'],
    stamps: kubernetesStamps(KUBERNETES_VERSION),
  },
  'kubernetes-gke': {
    module: 'k8s.io/kubernetes',
    version: `v${GKE_REGULAR_VERSION}`,
    packages: ['cmd/kube-apiserver'],
    localReplaceVersions: { '*': stagingVersion(GKE_REGULAR_VERSION) },
    tags: ['providerless'],
    stamps: kubernetesStamps(GKE_REGULAR_VERSION),
  },
  etcd: {
    // The etcd 3.5 line that Kubernetes 1.28 to 1.36 is tested with; its main package is the server module.
    module: 'go.etcd.io/etcd/server/v3',
    version: 'v3.5.21',
    packages: ['.'],
    stamps: {},
  },
  kwok: {
    module: 'sigs.k8s.io/kwok',
    version: 'v0.7.0',
    // Its version is a constant in the source, so there is nothing to stamp.
    packages: ['cmd/kwok'],
    stamps: {},
  },
  pulumi: {
    module: 'github.com/pulumi/pulumi/pkg/v3',
    version: `v${PULUMI_VERSION}`,
    packages: ['cmd/pulumi'],
    stamps: { 'github.com/pulumi/pulumi/sdk/v3/go/common/version.Version': `v${PULUMI_VERSION}` },
  },
  'pulumi-resource-kubernetes': {
    // v4.25.0 is tagged on this commit; the proxy serves the provider module by its pseudo-version only.
    module: 'github.com/pulumi/pulumi-kubernetes/provider/v4',
    version: 'v4.0.0-20260115033456-f47bc2d6f199',
    release: `v${PULUMI_KUBERNETES_VERSION}`,
    packages: ['.'],
    localReplaceVersions: { 'github.com/pulumi/pulumi-kubernetes/sdk/v4': `v${PULUMI_KUBERNETES_VERSION}` },
    stamps: { 'github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version': PULUMI_KUBERNETES_VERSION },
    generatedMain: 'pulumi-resource-kubernetes',
  },
  'kube-score': {
    module: 'github.com/zegl/kube-score',
    version: 'v1.20.0',
    packages: ['cmd/kube-score'],
    stamps: { 'main.version': 'v1.20.0' },
  },
} as const satisfies Record<string, GoTool>;

export type ToolName = keyof typeof GO_TOOLS;

/**
 * Pulumi plugins installed from the binaries above into the toolchain's own PULUMI_HOME, so the
 * engine finds them without downloading anything.
 */
export const PULUMI_PLUGINS = [
  { kind: 'resource', name: 'kubernetes', version: PULUMI_KUBERNETES_VERSION, binary: 'pulumi-resource-kubernetes' },
] as const;

/**
 * CustomResourceDefinitions of the custom kinds the charts write, taken from the Go modules that
 * ship them (a module zip holds the whole repository), so the local API servers validate those
 * objects as strictly as built-in ones. The cluster add-ons that own them install them for real:
 * GKE's Gateway controller, kube-prometheus-stack (infra/monitoring.ts, whose operator is this one).
 */
export const CRD_SOURCES = {
  'gateway-api': {
    module: 'sigs.k8s.io/gateway-api',
    // The standard channel's v1 kinds; v1.2 is the newest whose validation rules a 1.28 API server runs.
    version: 'v1.2.1',
    files: ['gatewayclasses', 'gateways', 'httproutes', 'referencegrants'].map((k) => `config/crd/standard/gateway.networking.k8s.io_${k}.yaml`),
  },
  'prometheus-operator': {
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.91.0',
    files: ['servicemonitors', 'podmonitors'].map((k) => `example/prometheus-operator-crd/monitoring.coreos.com_${k}.yaml`),
  },
} as const;

/**
 * What the issue asked for that the module proxy reachable from this project's machines does not
 * serve (it answers 403 for every version; checked with `go list -m -versions` and
 * `go mod download` of the exact releases). Listed so nothing is left out in silence: the
 * end-to-end suite names each of these as not run, and the README says what takes their place.
 */
export const NOT_SERVED = {
  'pulumi-language-nodejs': 'github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@v3.248.0 is refused; the suite runs the program through the Automation API, whose in-process language server (@pulumi/pulumi/automation) takes that plugin\'s place',
  'pulumi-resource-random': 'github.com/pulumi/pulumi-random/provider/v4 is refused; the suite gives the stack its database password as a secret config value, so the random provider is never loaded',
  'pulumi-resource-tls': 'github.com/pulumi/pulumi-tls/provider/v5 is refused; the suite gives the stack its certificate as secret config values, so the tls provider is never loaded',
  'pulumi-resource-command': 'github.com/pulumi/pulumi-command/provider is refused; it runs only `minikube start`, which the existing-cluster mode the suite uses does not',
  'kube-linter': 'golang.stackrox.io/kube-linter is refused (and its GitHub path too)',
  polaris: 'github.com/fairwindsops/polaris (v9 and v10) is refused',
} as const;
