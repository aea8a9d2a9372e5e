/**
 * Offline validation of rendered objects against the Kubernetes API schema, as strict as
 * `kubeconform -strict`: types, required fields, enums, formats, and no field the schema lacks.
 *
 * Schema source: kubernetes-models 4.4.2, generated from the Kubernetes 1.27.1 OpenAPI spec and
 * shipping one ajv-compiled validator per kind; it is the newest line that runs on Node 20 (5.x
 * is 1.36, ESM-only, Node 22). Judging 1.28 output with the 1.27.1 schema is sound because 1.28
 * removed no API and serves every 1.27 GA kind and field unchanged. What 1.28 added (Job
 * `podReplacementPolicy`, `backoffLimitPerIndex`, init-container `restartPolicy`, ...) is alpha or
 * off-by-default beta; this stack uses none of it, and such a field is reported as unknown here.
 *
 * Strictness needs the schema's field names, which the package ships only inside compiled code, so
 * they are observed: see {@link observe}. Known gap: its quantity format also admits SI prefixes
 * Kubernetes refuses ("1h", "10d"); the constructs check quantities with `quantityProblem`.
 *
 * Objects of API groups Kubernetes does not serve itself (custom resources) are not judged: their
 * schema lives in a CRD this module does not have.
 */
import {
  Problem, dns1035LabelProblem, dns1123LabelProblem, dns1123SubdomainProblem, labelKeyProblem, labelValueProblem, quantityProblem,
} from '../../constructs/lib/validate';
import { closest, show } from '../../constructs/lib/errors';

/** One way an object would be refused by the API server. */
export interface SchemaError {
  /** `<kind> <namespace>/<name>`, or `<kind> <name>` without a namespace: "Deployment shop/web". */
  readonly object: string;
  /** The field, e.g. `spec.template.spec.containers[0].resources.limits.memory`; "" for the whole object. */
  readonly path: string;
  /** What is wrong and how to fix it, completing "<path> ...". */
  readonly message: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary Kubernetes JSON, judged here
type KubeJson = Record<string, any>;

/** The kinds a default Kubernetes 1.28 API server serves, by apiVersion (subresource-only kinds left out). */
const SERVED: Readonly<Record<string, readonly string[]>> = {
  v1: [
    'Binding', 'ComponentStatus', 'ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'Namespace', 'Node', 'PersistentVolume',
    'PersistentVolumeClaim', 'Pod', 'PodTemplate', 'ReplicationController', 'ResourceQuota', 'Secret', 'Service', 'ServiceAccount',
  ],
  'apps/v1': ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'],
  'batch/v1': ['CronJob', 'Job'],
  'autoscaling/v1': ['HorizontalPodAutoscaler'],
  'autoscaling/v2': ['HorizontalPodAutoscaler'],
  'policy/v1': ['PodDisruptionBudget'],
  'networking.k8s.io/v1': ['Ingress', 'IngressClass', 'NetworkPolicy'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  'storage.k8s.io/v1': ['CSIDriver', 'CSINode', 'CSIStorageCapacity', 'StorageClass', 'VolumeAttachment'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'discovery.k8s.io/v1': ['EndpointSlice'],
  'coordination.k8s.io/v1': ['Lease'],
  'admissionregistration.k8s.io/v1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
  'events.k8s.io/v1': ['Event'],
  'flowcontrol.apiserver.k8s.io/v1beta3': ['FlowSchema', 'PriorityLevelConfiguration'],
  'flowcontrol.apiserver.k8s.io/v1beta2': ['FlowSchema', 'PriorityLevelConfiguration'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'apiregistration.k8s.io/v1': ['APIService'],
  'authentication.k8s.io/v1': ['TokenReview', 'SelfSubjectReview'],
  'authentication.k8s.io/v1beta1': ['SelfSubjectReview'],
  'authorization.k8s.io/v1': ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'],
};

/** Served by 1.28 but newer than the 1.27.1 schema: names are checked, fields are not. */
const NO_SCHEMA = new Set(['authentication.k8s.io/v1 SelfSubjectReview', 'authentication.k8s.io/v1beta1 SelfSubjectReview']);

/** API versions that manifests still carry but Kubernetes no longer serves: [from, kinds, removed in, use]. */
const REMOVED: ReadonlyArray<readonly [string, string, string, string]> = [
  ['extensions/v1beta1', 'Deployment DaemonSet ReplicaSet', '1.16', 'apps/v1'],
  ['extensions/v1beta1', 'NetworkPolicy', '1.16', 'networking.k8s.io/v1'],
  ['extensions/v1beta1', 'Ingress', '1.22', 'networking.k8s.io/v1'],
  ['extensions/v1beta1', 'PodSecurityPolicy', '1.16', ''],
  ['apps/v1beta1', 'Deployment StatefulSet ControllerRevision', '1.16', 'apps/v1'],
  ['apps/v1beta2', 'Deployment StatefulSet DaemonSet ReplicaSet ControllerRevision', '1.16', 'apps/v1'],
  ['networking.k8s.io/v1beta1', 'Ingress IngressClass', '1.22', 'networking.k8s.io/v1'],
  ['rbac.authorization.k8s.io/v1beta1', 'ClusterRole ClusterRoleBinding Role RoleBinding', '1.22', 'rbac.authorization.k8s.io/v1'],
  ['scheduling.k8s.io/v1beta1', 'PriorityClass', '1.22', 'scheduling.k8s.io/v1'],
  ['storage.k8s.io/v1beta1', 'StorageClass VolumeAttachment CSIDriver CSINode', '1.22', 'storage.k8s.io/v1'],
  ['storage.k8s.io/v1beta1', 'CSIStorageCapacity', '1.27', 'storage.k8s.io/v1'],
  ['admissionregistration.k8s.io/v1beta1', 'MutatingWebhookConfiguration ValidatingWebhookConfiguration', '1.22', 'admissionregistration.k8s.io/v1'],
  ['apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition', '1.22', 'apiextensions.k8s.io/v1'],
  ['apiregistration.k8s.io/v1beta1', 'APIService', '1.22', 'apiregistration.k8s.io/v1'],
  ['certificates.k8s.io/v1beta1', 'CertificateSigningRequest', '1.22', 'certificates.k8s.io/v1'],
  ['coordination.k8s.io/v1beta1', 'Lease', '1.22', 'coordination.k8s.io/v1'],
  ['batch/v1beta1', 'CronJob', '1.25', 'batch/v1'],
  ['autoscaling/v2beta1', 'HorizontalPodAutoscaler', '1.25', 'autoscaling/v2'],
  ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', '1.26', 'autoscaling/v2'],
  ['policy/v1beta1', 'PodDisruptionBudget', '1.25', 'policy/v1'],
  ['policy/v1beta1', 'PodSecurityPolicy', '1.25', ''],
  ['discovery.k8s.io/v1beta1', 'EndpointSlice', '1.25', 'discovery.k8s.io/v1'],
  ['events.k8s.io/v1beta1', 'Event', '1.25', 'events.k8s.io/v1'],
  ['node.k8s.io/v1beta1', 'RuntimeClass', '1.25', 'node.k8s.io/v1'],
  ['flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema PriorityLevelConfiguration', '1.26', 'flowcontrol.apiserver.k8s.io/v1beta3'],
];

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** Groups Kubernetes serves itself; anything else is a custom resource and not judged here. */
const BUILT_IN_GROUPS = new Set([...Object.keys(SERVED), ...REMOVED.map((r) => r[0])].map(groupOf));

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- keyword-specific ajv parameters
  readonly params: Record<string, any>;
}

type Check = (data: object) => readonly AjvError[];
const checks = new Map<string, Check>();

/**
 * The kubernetes-models validator of one kind, loaded on first use: requiring every model up front
 * would cost hundreds of modules for the dozen kinds a stack renders.
 */
function checkFor(apiVersion: string, kind: string): Check {
  const id = `${apiVersion} ${kind}`;
  let check = checks.get(id);
  if (!check) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, per kind; see above
    const model = require(`kubernetes-models/${apiVersion}/${kind}`)[kind] as { prototype: { validate(): void } };
    check = (data) => {
      try {
        // The model's own validate(), run on `data` instead of a copy so that every read is observed.
        model.prototype.validate.call(data);
        return [];
      } catch (e) {
        const errors = (e as { errors?: unknown }).errors;
        if (Array.isArray(errors)) return errors as AjvError[];
        throw e;
      }
    };
    checks.set(id, check);
  }
  return check;
}

type Segment = string | number;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function formatPath(segments: readonly Segment[]): string {
  return segments.reduce<string>((acc, s) => {
    if (typeof s === 'number') return `${acc}[${s}]`;
    if (IDENTIFIER.test(s)) return acc ? `${acc}.${s}` : s;
    return `${acc}[${JSON.stringify(s)}]`;
  }, '');
}

function isRecord(value: unknown): value is KubeJson {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** "Deployment shop/web", "Namespace shop". */
function objectRef(obj: unknown): string {
  if (!isRecord(obj)) return '<not an object>';
  const kind = typeof obj.kind === 'string' && obj.kind ? obj.kind : '<no kind>';
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' && meta.name ? meta.name : '<unnamed>';
  return typeof meta.namespace === 'string' && meta.namespace ? `${kind} ${meta.namespace}/${name}` : `${kind} ${name}`;
}

/** Why an apiVersion/kind cannot be applied to a 1.28 cluster, or undefined when it can (or is a custom resource). */
function servingProblem(apiVersion: string, kind: string): SchemaError['message'] | undefined {
  if (SERVED[apiVersion]?.includes(kind)) return undefined;
  if (!BUILT_IN_GROUPS.has(groupOf(apiVersion))) return undefined;
  const removal = REMOVED.find(([from, kinds]) => from === apiVersion && kinds.split(' ').includes(kind));
  if (removal) {
    const [, , removedIn, use] = removal;
    return use
      ? `"${apiVersion}" is not served by Kubernetes 1.28: ${kind} ${apiVersion} was removed in ${removedIn}; use apiVersion "${use}"`
      : `"${apiVersion}" is not served by Kubernetes 1.28: ${kind} was removed in ${removedIn} with no replacement; enforce Pod Security Standards with the namespace label "pod-security.kubernetes.io/enforce"`;
  }
  const servedAs = Object.keys(SERVED).filter((v) => SERVED[v].includes(kind));
  if (servedAs.length > 0) {
    return `"${apiVersion}" does not serve ${kind} in Kubernetes 1.28; use apiVersion ${servedAs.map((v) => `"${v}"`).join(' or ')}`;
  }
  const kinds = SERVED[apiVersion];
  if (!kinds) return `"${apiVersion}" is not an API version Kubernetes 1.28 serves`;
  const guess = closest(kind, kinds);
  return `kind "${kind}" is not served by ${apiVersion} in Kubernetes 1.28; ${guess ? `did you mean "${guess}"?` : `use one of ${kinds.join(', ')}`}`;
}

/** What the validator read of one object or array: the schema's fields, observed rather than parsed. */
interface Reads {
  readonly keys: Set<string>;
  /** Iterated like a map (additionalProperties): every key is allowed. */
  enumerated: boolean;
  readonly children: Map<string, Observed>;
}

interface Observed {
  readonly proxy: object;
  readonly reads: Reads;
}

/**
 * Wraps `target` so that every property the compiled validator reads is recorded. The validators are
 * generated from the schema: they read each defined property (`data.priorityClassName`) and iterate
 * maps (`for (k in data)`), and nothing else. A key the validator never read is a field the schema does
 * not define, which kubeconform -strict and `kubectl apply --validate=strict` refuse.
 */
function observe(target: object): Observed {
  const reads: Reads = { keys: new Set(), enumerated: false, children: new Map() };
  const proxy = new Proxy(target, {
    get(t, key) {
      const value: unknown = Reflect.get(t, key);
      if (typeof key !== 'string') return value;
      reads.keys.add(key);
      if (value === null || typeof value !== 'object') return value;
      let child = reads.children.get(key);
      if (!child) {
        child = observe(value);
        reads.children.set(key, child);
      }
      return child.proxy;
    },
    has(t, key) {
      if (typeof key === 'string') reads.keys.add(key);
      return Reflect.has(t, key);
    },
    ownKeys(t) {
      reads.enumerated = true;
      return Reflect.ownKeys(t);
    },
  });
  return { proxy, reads };
}

/**
 * Fields the Kubernetes schema defines but kubernetes-models' validators never read: its generator strips
 * keys named "description" and "x-kubernetes-*" from the schema, property names included. Each entry
 * recognises an affected type by the fields its validator does read.
 */
const UNREAD: ReadonlyArray<readonly [(reads: ReadonlySet<string>) => boolean, readonly string[]]> = [
  [(r) => r.has('globalDefault'), ['description']], // PriorityClass
  [(r) => r.has('jsonPath'), ['description']], // CustomResourceColumnDefinition
  [(r) => r.size === 1 && r.has('url'), ['description']], // ExternalDocumentation
  [
    (r) => r.has('exclusiveMaximum'), // JSONSchemaProps
    ['description', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string', 'x-kubernetes-list-map-keys', 'x-kubernetes-list-type',
      'x-kubernetes-map-type', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations'],
  ],
];

function fieldsOf(reads: ReadonlySet<string>): ReadonlySet<string> {
  const unread = UNREAD.filter(([is]) => is(reads)).flatMap(([, keys]) => keys);
  return unread.length > 0 ? new Set([...reads, ...unread]) : reads;
}

function unknownFields(node: Observed, value: unknown, path: Segment[], ref: string, out: SchemaError[]): void {
  const { reads } = node;
  if (Array.isArray(value)) {
    for (const [key, child] of reads.children) unknownFields(child, value[Number(key)], [...path, Number(key)], ref, out);
    return;
  }
  if (!isRecord(value)) return;
  // No key read at all: a free-form object (RawExtension, FieldsV1) or one whose type was already wrong.
  if (!reads.enumerated && reads.keys.size > 0) {
    const fields = fieldsOf(reads.keys);
    for (const key of Object.keys(value)) {
      if (fields.has(key)) continue;
      const guess = closest(key, fields);
      out.push({
        object: ref,
        path: formatPath([...path, key]),
        message: `is not a field the Kubernetes API defines here; ${guess ? `did you mean "${guess}"?` : 'check its spelling and indentation'}`,
      });
    }
  }
  for (const [key, child] of reads.children) unknownFields(child, value[key], [...path, key], ref, out);
}

/** ajv's instance path ("/spec/containers/0/name") as segments, numbers where the data holds an array. */
function segmentsOf(root: unknown, instancePath: string): { segments: Segment[]; value: unknown } {
  const segments: Segment[] = [];
  let value = root;
  for (const raw of instancePath.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      segments.push(Number(key));
      value = value[Number(key)];
    } else {
      segments.push(key);
      value = isRecord(value) ? value[key] : undefined;
    }
  }
  return { segments, value };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${show(value)}`;
}

const A_TYPE: Record<string, string> = {
  string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean (true or false)', object: 'an object', array: 'a list',
};

const FORMAT: Record<string, string> = {
  int32: 'does not fit in a 32-bit integer',
  int64: 'does not fit in a 64-bit integer',
  double: 'is not a number',
  'date-time': 'is not an RFC 3339 date-time such as "2024-01-31T12:00:00Z"',
  byte: 'is not base64; base64-encode it, or put the plain text under stringData',
};

/** Secret values never reach a log through a message. */
function isSecretValue(obj: KubeJson, segments: readonly Segment[]): boolean {
  return obj.kind === 'Secret' && (segments[0] === 'data' || segments[0] === 'stringData') && segments.length > 1;
}

function messagesOf(errors: readonly AjvError[], obj: KubeJson, ref: string): SchemaError[] {
  // Quantity and IntOrString are oneOf(string, number): report the oneOf once, not each branch.
  const oneOf = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  // "1.5" for an int32 fails both type and format: the type error says it all.
  const mistyped = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const out: SchemaError[] = [];
  for (const e of errors) {
    if (oneOf.has(e.instancePath) && e.keyword !== 'oneOf') continue;
    if (mistyped.has(e.instancePath) && e.keyword === 'format') continue;
    const { segments, value } = segmentsOf(obj, e.instancePath);
    const shown = isSecretValue(obj, segments) ? '<redacted>' : show(value);
    const at = (message: string, extra: Segment[] = []): void => {
      out.push({ object: ref, path: formatPath([...segments, ...extra]), message });
    };
    switch (e.keyword) {
      case 'required':
        at('is required', [String(e.params.missingProperty)]);
        break;
      case 'type':
        at(`must be ${A_TYPE[e.params.type] ?? e.params.type}, not ${isSecretValue(obj, segments) ? 'this value' : describe(value)}`);
        break;
      case 'enum':
        at(`${shown} is not one of ${(e.params.allowedValues as unknown[]).map((v) => show(v)).join(', ')}`);
        break;
      case 'format':
        if (e.params.format === 'quantity') at(quantityMessage(value));
        else at(`${shown} ${FORMAT[e.params.format] ?? `is not in format ${e.params.format}`}`);
        break;
      case 'oneOf': {
        const branches = errors.filter((b) => b.instancePath === e.instancePath && b.keyword !== 'oneOf');
        const quantity = branches.some((b) => b.params.type === 'number' || b.params.format === 'quantity');
        at(quantity ? quantityMessage(value) : `must be an integer or a string (e.g. 8080, "http", "25%"), not ${describe(value)}`);
        break;
      }
      default:
        at(`fails the schema's "${e.keyword}" rule ${JSON.stringify(e.params)}`);
    }
  }
  return out;
}

function quantityMessage(value: unknown): string {
  if (typeof value !== 'string') return `must be a quantity such as "10Gi" or "500m", or a number, not ${describe(value)}`;
  // The construct library's hint turns unit typos such as "10GB" into "10Gi" (binary) or "10G" (decimal).
  return `${show(value)} is not a Kubernetes quantity; ${quantityProblem(value)?.fix ?? 'use e.g. "10Gi"'}`;
}

/**
 * The API server's schema verdict on one object: unserved apiVersion/kind, types, required fields,
 * enums, formats (quantity, int-or-string, int32, base64) and fields the schema does not define.
 * Custom resources (groups Kubernetes does not serve itself) pass unjudged.
 */
export function validateObject(obj: KubeJson): SchemaError[] {
  const ref = objectRef(obj);
  if (!isRecord(obj)) return [{ object: ref, path: '', message: `must be an object, not ${describe(obj)}` }];
  const { apiVersion, kind } = obj;
  const missing: SchemaError[] = [];
  if (typeof apiVersion !== 'string' || apiVersion === '') missing.push({ object: ref, path: 'apiVersion', message: 'is required, e.g. "apps/v1"' });
  if (typeof kind !== 'string' || kind === '') missing.push({ object: ref, path: 'kind', message: 'is required, e.g. "Deployment"' });
  if (missing.length > 0) return missing;

  const serving = servingProblem(apiVersion, kind);
  if (serving) return [{ object: ref, path: 'apiVersion', message: serving }];
  if (!SERVED[apiVersion]?.includes(kind) || NO_SCHEMA.has(`${apiVersion} ${kind}`)) return [];

  // A JSON copy: what the API server would receive (no undefined, no class instances, nothing frozen).
  const data = JSON.parse(JSON.stringify(obj)) as KubeJson;
  const observed = observe(data);
  const out = messagesOf(checkFor(apiVersion, kind)(observed.proxy), data, ref);
  unknownFields(observed, data, [], ref, out);
  return out;
}

/** {@link validateObject} over every object, in order. */
export function validateObjects(objs: readonly KubeJson[]): SchemaError[] {
  return objs.flatMap((o) => validateObject(o));
}

const LABEL_NAMED = new Set(['Namespace', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job']);
const RBAC = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
/** The Kubernetes limit on the summed size of an object's annotation keys and values. */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** RBAC names are path segments ("system:aggregate-to-view" is valid), not DNS names. */
function pathSegmentProblem(value: string): Problem | undefined {
  if (value === '' || value === '.' || value === '..' || /[/%]/.test(value)) {
    return { problem: 'is not a valid RBAC name', fix: 'use a name without "/" or "%", other than "." and ".."' };
  }
  return undefined;
}

function nameProblem(kind: string, name: string): Problem | undefined {
  if (kind === 'CronJob') {
    const p = dns1123LabelProblem(name, 52);
    return p && name.length > 52 ? { problem: p.problem, fix: `${p.fix} (the CronJob controller appends 11 characters to name each Job)` } : p;
  }
  if (kind === 'Service') return dns1035LabelProblem(name);
  if (LABEL_NAMED.has(kind)) return dns1123LabelProblem(name);
  if (RBAC.has(kind)) return pathSegmentProblem(name);
  return dns1123SubdomainProblem(name);
}

/**
 * The API server's rules for names, labels and annotations, which the schema does not carry:
 * metadata.name by kind (DNS-1123 subdomain; label for Namespace and pod-owning workloads; RFC 1035
 * for Service; at most 52 characters for CronJob), metadata.namespace, every label and annotation
 * key and label value (object, pod and job templates, claim templates, selectors, nodeSelector),
 * and the 256 KiB limit on an object's annotations.
 */
export function validateNames(obj: KubeJson): SchemaError[] {
  const ref = objectRef(obj);
  if (!isRecord(obj)) return [];
  const out: SchemaError[] = [];
  const report = (path: Segment[], value: unknown, p: Problem | undefined, what = show(value)): void => {
    if (p) out.push({ object: ref, path: formatPath(path), message: `${what} ${p.problem}; ${p.fix}` });
  };
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  if (meta.name === undefined || meta.name === '') {
    if (meta.generateName === undefined) out.push({ object: ref, path: 'metadata.name', message: 'is required; give the object a name' });
  } else if (typeof meta.name === 'string') {
    report(['metadata', 'name'], meta.name, nameProblem(kind, meta.name));
  }
  if (typeof meta.namespace === 'string') report(['metadata', 'namespace'], meta.namespace, dns1123LabelProblem(meta.namespace));

  const labelMap = (path: Segment[], map: unknown): void => {
    if (!isRecord(map)) return;
    for (const [key, value] of Object.entries(map)) {
      report(path, key, labelKeyProblem(key), `key ${show(key)}`);
      if (typeof value === 'string') report([...path, key], value, labelValueProblem(value));
    }
  };
  const annotations = (path: Segment[], map: unknown): void => {
    if (!isRecord(map)) return;
    let bytes = 0;
    for (const [key, value] of Object.entries(map)) {
      report(path, key, labelKeyProblem(key), `key ${show(key)}`);
      bytes += Buffer.byteLength(key) + Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value ?? ''));
    }
    if (bytes > ANNOTATIONS_MAX_BYTES) {
      out.push({
        object: ref,
        path: formatPath(path),
        message: `total ${bytes} bytes of keys and values, more than the ${ANNOTATIONS_MAX_BYTES} (256 KiB) allowed; move large values into a ConfigMap`,
      });
    }
  };

  // Every metadata, selector and node selector in the object; CRD schemas describe such fields rather than hold them.
  const visit = (value: unknown, path: Segment[]): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i]));
      return;
    }
    if (!isRecord(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const here = [...path, key];
      if (key === 'openAPIV3Schema') continue;
      if (key === 'metadata' && isRecord(child)) {
        labelMap([...here, 'labels'], child.labels);
        annotations([...here, 'annotations'], child.annotations);
      } else if (key === 'matchLabels' || key === 'nodeSelector') {
        labelMap(here, child);
      } else if (key === 'selector' && path.length === 1 && path[0] === 'spec' && (kind === 'Service' || kind === 'ReplicationController')) {
        labelMap(here, child);
      } else {
        visit(child, here);
      }
    }
  };
  visit(obj, []);
  return out;
}
