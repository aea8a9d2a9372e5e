import { gatewayNames } from '../environments/edge';
import { NodePool } from '../constructs/node-pool';
import { ENVIRONMENTS, EnvironmentError, OVERLAYS, applySet, deepMerge, loadEnvironment, parseSetValue, PROJECT } from '../environments';
import { base } from '../environments/base';
import { validateNames, validateObjects } from './support/k8s-schema';
import { ENVIRONMENT_LABEL, KUSTOMIZATION_FILE, PART_OF_LABEL, PRUNE_FLAGS_FILE, pruneKindOf } from '../synth/ownership';
import { KubeObject, SynthResult, synthesizeEnvironment } from '../synth/synthesize';

// One synthesis per environment, shared by every assertion below.
const results: Record<string, SynthResult> = Object.fromEntries(ENVIRONMENTS.map((e) => [e, synthesizeEnvironment(PROJECT, loadEnvironment(e))]));
const objectsOf = (env: string) => results[env].objects;
const one = (env: string, kind: string, name: string): KubeObject => {
  const found = objectsOf(env).filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`${env}: expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const podSpecOf = (o: KubeObject): any => (o.kind === 'CronJob' ? (o as any).spec.jobTemplate.spec.template.spec : (o as any).spec.template.spec);

describe('environment values', () => {
  it('knows dev, staging and prod', () => {
    expect(ENVIRONMENTS).toEqual(['dev', 'staging', 'prod']);
  });

  it('deep-merges objects and replaces arrays, as Kustomize overlays do', () => {
    const merged = deepMerge({ a: { b: 1, c: 2 }, list: [1, 2, 3] }, { a: { c: 5 }, list: [9] });
    expect(merged).toEqual({ a: { b: 1, c: 5 }, list: [9] });
  });

  it('does not modify the base or the overlay', () => {
    const before = JSON.stringify(base);
    loadEnvironment('prod', ['shop.web.image.tag=9.9.9']);
    expect(JSON.stringify(base)).toBe(before);
    expect(OVERLAYS.prod.shop?.web?.image).toEqual({ repository: 'docker.io/nginxinc/nginx-unprivileged' });
  });

  it.each(ENVIRONMENTS)('%s validates against the schema', (env) => {
    expect(() => loadEnvironment(env)).not.toThrow();
  });

  it('differs realistically between environments', () => {
    const [dev, staging, prod] = ENVIRONMENTS.map((e) => loadEnvironment(e));
    expect(new Set([dev.shop.namespace, staging.shop.namespace, prod.shop.namespace]).size).toBe(3);
    expect(dev.cluster.kind).toBe('minikube');
    expect(staging.cluster.kind).toBe('gke');
    expect(prod.cluster.gke).toMatchObject({ region: 'asia-northeast1', zone: 'asia-northeast1-a' });
    expect(prod.nodePools.find((p) => p.name === 'general')?.minNodes).toBe(3);
    expect(prod.shop.web.autoscaling.minReplicas).toBeGreaterThan(dev.shop.web.autoscaling.minReplicas);
    expect(prod.shop.database.storageSize).not.toBe(dev.shop.database.storageSize);
    expect(dev.storage.provisioner).toBe('rancher.io/local-path');
    expect(prod.storage.provisioner).toBe('pd.csi.storage.gke.io');
    expect(dev.shop.ingress.tls.source).toBe('self-signed');
    expect(dev.shop.ingress.edge).toBe('ingress');
    expect(prod.shop.ingress).toMatchObject({ edge: 'gke-gateway', className: 'gke-l7-global-external-managed', tls: { source: 'google-managed' } });
    expect(prod.monitoring.enabled && staging.monitoring.enabled && !dev.monitoring.enabled).toBe(true);
    expect(dev.shop.backup.schedule).not.toBe(prod.shop.backup.schedule);
    expect(prod.production).toBe(true);
    expect(dev.production || staging.production).toBe(false);
  });

  it('parses --set values as JSON when they are JSON, else as strings', () => {
    expect(parseSetValue('3')).toBe(3);
    expect(parseSetValue('"3"')).toBe('3');
    expect(parseSetValue('true')).toBe(true);
    expect(parseSetValue('{"a":1}')).toEqual({ a: 1 });
    expect(parseSetValue('1.27.4-alpine')).toBe('1.27.4-alpine');
  });

  it('applies --set by dotted path, array items by index', () => {
    const v = loadEnvironment('prod', ['shop.web.image.tag=1.27.4-alpine', 'nodePools.1.maxNodes=4', 'shop.backup.suspend=true']);
    expect(v.shop.web.image.tag).toBe('1.27.4-alpine');
    expect(v.nodePools[1].maxNodes).toBe(4);
    expect(v.shop.backup.suspend).toBe(true);
  });

  it('refuses an unknown --set path', () => {
    const values = deepMerge(base as unknown as Record<string, unknown>, OVERLAYS.dev);
    expect(() => applySet('dev', values, 'shop.web.imag.tag=x')).toThrow('environment "dev": --set path "shop.web.imag.tag" (value "x") is not a known setting; did you mean "shop.web.image.tag"?');
    expect(() => applySet('dev', values, 'nodePools.9.maxNodes=4')).toThrow(/indexes item 9 of nodePools, which has 2 items/);
    expect(() => applySet('dev', values, 'shop.web.image.tag')).toThrow(/is not of the form path=value/);
  });

  it('names the environment, the path and the value of an invalid setting', () => {
    expect(() => loadEnvironment('staging', ['shop.web.autoscaling.minReplicas=9'])).toThrow(
      'environment "staging": shop.web.autoscaling.minReplicas 9 is above maxReplicas 4; lower minReplicas or raise maxReplicas',
    );
    expect(() => loadEnvironment('prod', ['shop.database.storageSize=10GB'])).toThrow(
      'environment "prod": shop.database.storageSize "10GB" is not a Kubernetes quantity; use e.g. "10Gi" (binary) or "10G" (decimal)',
    );
  });

  it.each([
    ['shop.guardrails.limits.pvcMaxStorage=50Gi', 'environment "prod": shop.database.storageSize "100Gi" is above shop.guardrails.limits.pvcMaxStorage "50Gi", so the claim would be rejected'],
    ['shop.guardrails.quota.requestsStorage=60Gi', 'environment "prod": shop.guardrails.quota.requestsStorage "60Gi" is below the 100Gi + 200Gi the database and its backups claim; raise it'],
    ['shop.guardrails.limits.containerMaxMemory=1Gi', 'environment "prod": shop.database.resources.memory.limit "4Gi" is above shop.guardrails.limits.containerMaxMemory "1Gi"'],
    ['shop.guardrails.limits.containerMaxCpu=500m', 'environment "prod": shop.web.resources.cpu.limit "1" is above shop.guardrails.limits.containerMaxCpu "500m"'],
  ])('refuses guardrails that would reject the application: --set %s', (set, message) => {
    expect(() => loadEnvironment('prod', [set])).toThrow(message);
  });

  it.each([
    ['prod', ['nodePools.0.name=general-purpose'], 'environment "prod": nodePools.0.name "general-purpose" is 15 characters; GKE pool names get a 26-character suffix within a 40-character limit, so use at most 13'],
    ['prod', ['cluster.gke.maintenanceWindow.hours=3'], 'environment "prod": cluster.gke.maintenanceWindow.hours 3 is under the 4 hours GKE requires of each occurrence; use 4 or more'],
    ['prod', ['cluster.gke.maintenanceWindow.days=["SU"]'], 'environment "prod": cluster.gke.maintenanceWindow.hours 6 gives 24 hours in 32 days, under the 48 GKE requires; add days or hours'],
    ['prod', ['cluster.gke.maintenanceWindow.startUtc=5pm'], 'environment "prod": cluster.gke.maintenanceWindow.startUtc "5pm" is not a UTC time of day such as "17:00"'],
    ['staging', ['shop.ingress.tls.source=cert-manager'], 'environment "staging": shop.ingress.tls.source "cert-manager" must be "google-managed" with the GKE Gateway edge (its certificate comes from Certificate Manager)'],
    ['dev', ['shop.ingress.edge=gke-gateway'], 'environment "dev": shop.ingress.edge "gke-gateway" needs a GKE cluster, and this one is minikube; use "ingress" with the cluster\'s ingress controller'],
    ['staging', ['shop.ingress.tls.secretName=shop-tls'], 'environment "staging": shop.ingress.tls.secretName "shop-tls" is not used: a Google-managed certificate lives in Certificate Manager, not in a Secret; remove it'],
    ['prod', ['shop.database.image.repository=postgres'], 'environment "prod": shop.database.image.repository "postgres" names no registry, and production enforces Binary Authorization on the name as written; write it in full, e.g. "docker.io/library/postgres"'],
    ['dev', ['monitoring.scrapeInterval=30'], 'environment "dev": monitoring.scrapeInterval "30" is not a Prometheus duration such as "30s" or "1m"'],
  ])('refuses lifecycle settings GKE or the edge would reject: %s --set %s', (env, sets, message) => {
    expect(() => loadEnvironment(env, sets)).toThrow(message);
  });

  it('suggests the setting a typo meant at the top of an app\'s values, and refuses values for an app the environment does not run', () => {
    expect(() => loadEnvironment('dev', ['shop.webb.image.tag=1.27'])).toThrow('--set path "shop.webb.image.tag" (value 1.27) is not a known setting; did you mean "shop.web.image.tag"?');
    expect(() => loadEnvironment('dev', ['apps=["shop"]'])).toThrow('environment "dev": tasks holds values for tasks, which this environment does not run; add "tasks" to apps, or remove its values (--set tasks=null)');
    expect(() => loadEnvironment('dev', ['apps=["shop","shops"]'])).toThrow('environment "dev": apps.1 "shops" is not an app of this project; did you mean "shop"?');
    // Running fewer apps is a setting like any other.
    const shopOnly = loadEnvironment('dev', ['apps=["shop"]', 'tasks=null']);
    expect(shopOnly.apps).toEqual(['shop']);
  });

  it('suggests the setting a typo meant', () => {
    expect(() => loadEnvironment('prod', ['nodePools.1.taints.0.effect=NoSchedual'])).toThrow(
      'environment "prod": nodePools.1.taints.0.effect "NoSchedual" is not one of NoSchedule, PreferNoSchedule, NoExecute; did you mean "NoSchedule"?',
    );
    expect(() => loadEnvironment('prod', ['shop.web.autoscaling.maxReplicas="3"'])).toThrow('shop.web.autoscaling.maxReplicas "3" is a string, not a number; write 3 without quotes');
    expect(() => loadEnvironment('prod', ['shop.web.autoscaling.minReplicas=1.5'])).toThrow('shop.web.autoscaling.minReplicas 1.5 is not a whole number; use a whole number such as 3');
    expect(() => loadEnvironment('prod', ['shop.web.autoscaling.minReplicas=0'])).toThrow('shop.web.autoscaling.minReplicas 0 is below the minimum 1; use 1 or more');
  });

  it('refuses an unknown environment and lists the known ones', () => {
    expect(() => loadEnvironment('qa')).toThrow(new EnvironmentError('unknown environment "qa"; known environments: dev, staging, prod'));
  });
});

describe.each(ENVIRONMENTS)('synthesized %s', (env) => {
  const objects = objectsOf(env);
  const values = loadEnvironment(env);

  it('matches the snapshot of its whole output', () => {
    expect(results[env].files).toMatchSnapshot();
  });

  it('is valid against the Kubernetes API schema, strictly', () => {
    expect(validateObjects(objects)).toEqual([]);
  });

  it('has names and labels the API server accepts', () => {
    expect(objects.flatMap((o) => validateNames(o))).toEqual([]);
  });

  it('puts namespaces first, then other cluster-scoped objects, then namespaced ones', () => {
    const files = results[env].files.map((f) => f.name);
    expect(files[0]).toBe('00-namespaces.yaml');
    expect(files[1]).toBe('01-cluster.yaml');
    expect([...files].sort()).toEqual(files);
    expect(objects.findIndex((o) => o.kind !== 'Namespace')).toBe(objects.filter((o) => o.kind === 'Namespace').length);
  });

  it('never writes Secret objects or key material', () => {
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
    expect(results[env].files.map((f) => f.content).join('\n')).not.toMatch(/PRIVATE KEY|tls\.key/);
  });

  it('has readable names without hash suffixes, but for one-off Jobs, named after their spec', () => {
    for (const o of objects.filter((x) => x.kind !== 'Job')) expect(o.metadata.name).not.toMatch(/-[0-9a-f]{8}$|c8[0-9a-f]{6}/);
    for (const o of objects.filter((x) => x.kind === 'Job')) expect([o.metadata.name, o.metadata.annotations?.['k8s-stack.io/spec-hash']?.slice(0, 8)]).toEqual([`migrate-${o.metadata.annotations?.['k8s-stack.io/spec-hash']?.slice(0, 8)}`, expect.stringMatching(/^[0-9a-f]{8}$/)]);
  });

  it('uses pinned images that are not latest', () => {
    const images = objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'].includes(o.kind))
      .flatMap((o) => [...(podSpecOf(o).initContainers ?? []), ...podSpecOf(o).containers]).map((c: { image: string }) => c.image);
    expect(images.length).toBeGreaterThanOrEqual(5);
    for (const i of images) expect(i).toMatch(/:[0-9][^:]*$/);
  });

  it('puts the database on the dedicated tainted pool, tolerating exactly its taints', () => {
    const db = one(env, 'StatefulSet', 'db');
    const pool = new NodePool(values.nodePools.find((p) => p.name === values.shop.database.nodePool)!);
    expect(pool.taints.length).toBeGreaterThan(0);
    const spec = podSpecOf(db);
    expect(spec.tolerations).toEqual(pool.tolerations());
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions)
      .toContainEqual({ key: NodePool.POOL_LABEL, operator: 'In', values: [pool.name] });
    expect((db as any).spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(values.shop.database.storageSize); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  it('lets the ingress controller reach ACME solver pods exactly when cert-manager issues the certificate', () => {
    const acme = objects.filter((o) => o.metadata.name === 'allow-ingress-controller-to-acme-solver');
    expect(acme).toHaveLength(values.shop.ingress.tls.source === 'cert-manager' ? 1 : 0);
  });

  it('carries the environment values into the objects', () => {
    const hpa = one(env, 'HorizontalPodAutoscaler', 'web') as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(hpa.spec.minReplicas).toBe(values.shop.web.autoscaling.minReplicas);
    expect(hpa.spec.maxReplicas).toBe(values.shop.web.autoscaling.maxReplicas);
    const cron = one(env, 'CronJob', 'db-backup') as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(cron.spec.schedule).toBe(values.shop.backup.schedule);
    expect(cron.spec.timeZone).toBe(values.shop.backup.timeZone);
    if (values.shop.ingress.edge === 'ingress') {
      const ingress = one(env, 'Ingress', 'shop') as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(ingress.spec.rules[0].host).toBe(values.shop.ingress.host);
      expect(ingress.spec.tls[0].secretName).toBe(values.shop.ingress.tls.secretName);
      expect(ingress.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe(values.shop.ingress.tls.clusterIssuer);
    } else {
      const names = gatewayNames(values, 'shop');
      const gateway = one(env, 'Gateway', 'shop') as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(gateway.spec.gatewayClassName).toBe(values.shop.ingress.className);
      expect(gateway.spec.addresses).toEqual([{ type: 'NamedAddress', value: names.address }]);
      expect(gateway.metadata.annotations['networking.gke.io/certmap']).toBe(names.certificateMap);
      expect(gateway.spec.listeners.map((l: any) => [l.name, l.protocol, l.port, l.hostname])).toEqual([['https', 'HTTPS', 443, values.shop.ingress.host], ['http', 'HTTP', 80, values.shop.ingress.host]]); // eslint-disable-line @typescript-eslint/no-explicit-any
      const route = one(env, 'HTTPRoute', 'shop') as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'web', port: 80 }]);
      expect((one(env, 'HTTPRoute', 'shop-https-redirect') as any).spec.rules[0].filters[0].requestRedirect).toEqual({ scheme: 'https', statusCode: 301 }); // eslint-disable-line @typescript-eslint/no-explicit-any
      // Google's load balancers, and only they, reach the web pods from outside the cluster.
      const lb = one(env, 'NetworkPolicy', 'allow-load-balancer-to-web') as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(lb.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '35.191.0.0/16' } }, { ipBlock: { cidr: '130.211.0.0/22' } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
      expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('allow-ingress-controller'))).toEqual([]);
    }
    const monitor = objects.filter((o) => o.kind === 'ServiceMonitor');
    expect(monitor.map((m) => [m.metadata.name, (m.spec as any).endpoints])).toEqual(values.monitoring.enabled ? [['api', [{ port: 'http', path: '/metrics', interval: values.monitoring.scrapeInterval }]]] : []); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(objects.some((o) => o.metadata.name === 'allow-prometheus-to-api')).toBe(values.monitoring.enabled);
    const web = podSpecOf(one(env, 'Deployment', 'web'));
    expect(web.containers[0].image).toBe(`${values.shop.web.image.repository}:${values.shop.web.image.tag}`);
    expect(web.priorityClassName).toBe(`${values.priorityPrefix}-${values.shop.web.priorityClass}`);
    for (const o of objects) if (o.metadata.namespace) expect([values.shop.namespace, values.shop.systemNamespace, values.tasks.namespace]).toContain(o.metadata.namespace);
  });

  it('runs the tasks app beside the shop: Redis with its volume and password, workers, the migration and the report, each flow to Redis allowed', () => {
    const t = values.tasks;
    const inTasks = objects.filter((o) => o.metadata.namespace === t.namespace || (o.kind === 'Namespace' && o.metadata.name === t.namespace));
    expect(inTasks.every((o) => o.metadata.labels?.['app.kubernetes.io/part-of'] === 'tasks')).toBe(true);
    const ns = one(env, 'Namespace', t.namespace);
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const redis = one(env, 'StatefulSet', 'redis') as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(redis.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(t.redis.storageSize);
    expect(redis.spec.template.spec.containers[0].env).toContainEqual({ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: t.redis.credentialsSecret, key: 'password' } } });
    const worker = one(env, 'Deployment', 'worker') as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(worker.spec.replicas).toBe(t.worker.replicas);
    expect(objects.filter((o) => o.kind === 'Service' && o.metadata.name === 'worker')).toEqual([]);
    expect(worker.spec.template.spec.containers[0].env).toContainEqual({ name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: t.redis.credentialsSecret, key: 'password' } } });
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.namespace === t.namespace) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(job.spec.template.spec.containers[0].args[0]).toContain(`SET tasks:schema-version ${t.migration.schemaVersion}`);
    expect((one(env, 'CronJob', 'report') as any).spec.schedule).toBe(t.report.schedule); // eslint-disable-line @typescript-eslint/no-explicit-any
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === t.namespace).map((o) => o.metadata.name).sort();
    expect(policies).toEqual(['allow-dns', 'allow-migrate-to-redis-egress', 'allow-migrate-to-redis-ingress', 'allow-report-to-redis-egress', 'allow-report-to-redis-ingress', 'allow-worker-to-redis-egress', 'allow-worker-to-redis-ingress', 'default-deny']);
  });
});

describe('environment differences', () => {
  it('are only in values, never in structure: every environment has the same objects, but for the edge and the monitors', () => {
    // Names that carry environment values (namespaces, priority tiers, storage class) are normalised;
    // the edge (Ingress or Gateway) and the monitors follow their settings, tested above.
    const edge = new Set(['Ingress', 'Gateway', 'HTTPRoute', 'ServiceMonitor']);
    const edgePolicies = new Set(['allow-ingress-controller-to-web', 'allow-load-balancer-to-web', 'allow-ingress-controller-to-acme-solver', 'allow-prometheus-to-api']);
    const shape = (env: string) => {
      const v = loadEnvironment(env);
      return objectsOf(env).filter((o) => !edge.has(o.kind) && !edgePolicies.has(o.metadata.name))
        .map((o) => `${o.kind}/${o.metadata.name.replace(env, '<env>').replace(v.storage.className, '<storage>').replace(o.kind === 'Job' ? /-[0-9a-f]{8}$/ : /^$/, '-<spec-hash>')}`).sort();
    };
    expect(shape('staging')).toEqual(shape('dev'));
    expect(shape('prod')).toEqual(shape('dev'));
  });

  it('never makes the API server warn on apply: a namespace warns at the level it enforces, and audits restricted', () => {
    // Found by the end-to-end suite: warn=restricted over enforce=privileged answered every apply
    // with a Pod Security warning for the reviewed log-agent exception.
    for (const env of ENVIRONMENTS) {
      for (const ns of objectsOf(env).filter((o) => o.kind === 'Namespace')) {
        const l = ns.metadata.labels as Record<string, string>;
        expect({ env, ns: ns.metadata.name, warn: l['pod-security.kubernetes.io/warn'], audit: l['pod-security.kubernetes.io/audit'] })
          .toEqual({ env, ns: ns.metadata.name, warn: l['pod-security.kubernetes.io/enforce'], audit: 'restricted' });
      }
    }
  });

  it('labels every object with the app it belongs to (the platform\'s shared ones with "platform") and its environment', () => {
    for (const env of ENVIRONMENTS) {
      const values = loadEnvironment(env);
      const platformKinds = new Set(['PriorityClass', 'StorageClass']);
      const wrong = objectsOf(env).filter((o) => {
        const partOf = o.metadata.labels?.[PART_OF_LABEL];
        const expected = platformKinds.has(o.kind) ? 'platform' : values.apps.find((a) => a === partOf);
        return partOf !== expected || o.metadata.labels?.[ENVIRONMENT_LABEL] !== env;
      });
      expect(wrong.map((o) => `${env} ${o.kind}/${o.metadata.name}`)).toEqual([]);
      expect(new Set(objectsOf(env).map((o) => o.metadata.labels?.[PART_OF_LABEL]))).toEqual(new Set(['platform', ...values.apps]));
    }
  });

  it('prunes every kind it writes, and only objects with its labels', () => {
    for (const env of ENVIRONMENTS) {
      const flags = results[env].files.find((f) => f.name === PRUNE_FLAGS_FILE)!.content.trim().split('\n');
      // Every app of the environment, and one removed from it, is pruned: the selector is the environment's.
      expect(flags.slice(0, 2)).toEqual(['--prune', `--selector=${ENVIRONMENT_LABEL}=${env}`]);
      const allowed = new Set(flags.slice(2).map((f) => f.replace('--prune-allowlist=', '')));
      expect(objectsOf(env).map(pruneKindOf).filter((k) => !allowed.has(k))).toEqual([]);
    }
  });

  it('carries a kustomization listing exactly its manifests in apply order', () => {
    for (const env of ENVIRONMENTS) {
      const files = results[env].files;
      const listed = files.find((f) => f.name === KUSTOMIZATION_FILE)!.content.split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
      expect(listed).toEqual(files.filter((f) => f.name.endsWith('.yaml')).map((f) => f.name));
    }
  });

  it('keeps the log agent from tailing its own output, which would loop every line back in', () => {
    for (const env of ENVIRONMENTS) {
      const v = loadEnvironment(env);
      const conf = (one(env, 'ConfigMap', 'log-agent') as unknown as { data: Record<string, string> }).data['fluent-bit.conf'];
      expect(conf).toMatch(/^ {4}Path {14}\/var\/log\/containers\/\*\.log$/m);
      expect(conf).toContain(`    Exclude_Path      /var/log/containers/*_${v.shop.systemNamespace}_*.log`);
      // Its own pods are the only ones in the system namespace.
      const pods = objectsOf(env).filter((o) => o.metadata.namespace === v.shop.systemNamespace && ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind));
      expect(pods.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['DaemonSet/log-agent']);
    }
  });

  it('is byte-identical between runs', () => {
    const again = synthesizeEnvironment(PROJECT, loadEnvironment('prod'));
    expect(again.files).toEqual(results.prod.files);
  });
});
