import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { CONFIG_VARIABLES, loadConfig, requireWebhookSecrets } from '../../src/config/config';
import { TEST_PAYLOAD_KEYS } from '../support/relay';
import { DATABASES } from '../../tools/cluster/schema';
import { TEMPORAL_SERVER_VERSION } from '../../tools/cluster/server-binaries';
import { dynamicConfigFile } from '../../tools/cluster/server-config';
import { NUM_HISTORY_SHARDS, SQL_POOLS } from '../../tools/cluster/tuning';
import { ROOT } from './helpers/cli';
import { renderCompose, serviceEnvironment } from './helpers/compose';
import { kedaModuleDir, kubernetesValidatePath } from './helpers/deploy-tools';

const exec = promisify(execFile);
const DIR = join(ROOT, 'deploy/kubernetes');

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: { name: string; key: string } };
}
interface Container {
  command?: string[];
  image: string;
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
  resources?: { requests?: Record<string, string> };
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { containers: Container[]; terminationGracePeriodSeconds?: number };
}
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: Record<string, unknown> & { template?: PodTemplate; selector?: { matchLabels: Record<string, string> } };
}

const manifestFiles = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && f !== 'temporal-values.yaml');
const resources: Resource[] = manifestFiles.flatMap((f) => parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d) => d.toJS() as Resource));
const find = (kind: string, name: string) => {
  const found = resources.find((r) => r.kind === kind && r.metadata.name === name);
  assert.ok(found, `${kind}/${name} is missing from deploy/kubernetes`);
  return found;
};
const deployment = (name: string) => find('Deployment', name).spec!.template!;
const container = (name: string) => deployment(name).spec.containers[0]!;
const configMap = find('ConfigMap', 'wp-ai-relay').data!;
const secretExample = find('Secret', 'wp-ai-relay').stringData!;

/** The environment a container starts with: its ConfigMaps, its literal values, its Secret keys (given here). */
function containerEnvironment(c: Container, secrets: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    assert.equal(from.configMapRef?.name, 'wp-ai-relay', 'envFrom only the shared ConfigMap (secrets key by key)');
    Object.assign(env, configMap);
  }
  for (const v of c.env ?? []) {
    const ref = v.valueFrom?.secretKeyRef;
    if (ref) {
      assert.equal(ref.name, 'wp-ai-relay');
      assert.ok(ref.key in secretExample, `${ref.key} is in secret.example.yaml`);
      if (secrets[ref.key] !== undefined) env[v.name] = secrets[ref.key]!;
    } else {
      env[v.name] = v.value ?? '';
    }
  }
  return env;
}

const SECRETS = {
  WP_RELAY_SECRET: 'a-production-secret-0123456789',
  PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
  OPENAI_API_KEY: 'sk-from-the-operator',
  WP_APP_PASSWORD: 'abcd efgh ijkl mnop qrst uvwx',
};

describe('deploy/kubernetes, validated against the Kubernetes and KEDA schemas', () => {
  let validatorPath: string;
  before(async () => {
    validatorPath = await kubernetesValidatePath();
  });

  const kubernetesValidate = (files: string[], version: string) =>
    exec('python3', ['-m', 'kubernetes_validate', '--strict', '--kubernetes-version', version, ...files], {
      env: { PATH: process.env.PATH ?? '', PYTHONPATH: validatorPath },
    }).then(
      (out) => ({ code: 0, output: out.stdout + out.stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
    );

  test('every built-in resource passes kubernetes-validate --strict for Kubernetes 1.30 and 1.37, and a typo would not', async () => {
    const files = manifestFiles.map((f) => join(DIR, f));
    for (const version of ['1.30.0', '1.37.0']) {
      const { code, output } = await kubernetesValidate(files, version);
      assert.equal(code, 0, output);
      for (const r of resources.filter((r) => !r.apiVersion.startsWith('keda.sh/'))) {
        assert.match(output, new RegExp(`passed for resource ${r.kind.toLowerCase()}/${r.metadata.name} `), `${r.kind}/${r.metadata.name} was checked`);
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-k8s-'));
    try {
      writeFileSync(join(dir, 'typo.yaml'), readFileSync(join(DIR, 'receiver.yaml'), 'utf8').replace('readinessProbe:', 'readynessProbe:'));
      const { code, output } = await kubernetesValidate([join(dir, 'typo.yaml')], '1.37.0');
      assert.notEqual(code, 0, 'strict validation refuses an unknown field');
      assert.match(output, /readynessProbe/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the worker\'s ScaledObject passes KEDA\'s own CRD schema, strictly, with metadata its Temporal scaler reads', async () => {
    const keda = await kedaModuleDir();
    const crd = join(keda, 'config/crd/bases/keda.sh_scaledobjects.yaml');
    const out = await exec('python3', [join(ROOT, 'deploy/check/validate-crd.py'), crd, join(DIR, 'worker.yaml')], {
      env: { PATH: process.env.PATH ?? '', PYTHONPATH: validatorPath },
    });
    assert.match(out.stdout, /ScaledObject\/wp-ai-relay-worker valid/);

    const scaled = find('ScaledObject', 'wp-ai-relay-worker').spec as { scaleTargetRef: { name: string }; minReplicaCount: number; triggers: { type: string; metadata: Record<string, string> }[] };
    assert.equal(scaled.scaleTargetRef.name, 'wp-ai-relay-worker');
    find('Deployment', scaled.scaleTargetRef.name);
    assert.ok(scaled.minReplicaCount >= 1, 'never scaled to zero');
    const [trigger] = scaled.triggers;
    assert.equal(trigger?.type, 'temporal');
    const known = [...readFileSync(join(keda, 'pkg/scalers/temporal_scaler.go'), 'utf8').matchAll(/keda:"name=(\w+)/g)].map((m) => m[1]);
    for (const key of Object.keys(trigger.metadata)) assert.ok(known.includes(key), `the Temporal scaler reads "${key}"`);
    const relay = loadConfig({ ...configMap });
    assert.equal(trigger.metadata.endpoint, relay.temporal.address, 'the worker\'s Temporal');
    assert.equal(trigger.metadata.namespace, relay.temporal.namespace);
    assert.equal(trigger.metadata.taskQueue, relay.temporal.taskQueue, 'the task queue the worker polls');
  });
});

describe('deploy/kubernetes, against the relay\'s own configuration', () => {
  test('receiver and worker get only variables src/config/config.ts knows, and with their secrets those load', () => {
    for (const key of [...Object.keys(configMap), ...Object.keys(secretExample)]) assert.ok(CONFIG_VARIABLES.includes(key), `${key} is not a relay variable`);
    for (const name of ['wp-ai-relay-receiver', 'wp-ai-relay-worker']) {
      const env = containerEnvironment(container(name), SECRETS);
      assert.deepEqual(Object.keys(env).filter((k) => !CONFIG_VARIABLES.includes(k)), [], `${name} is given unknown variables`);
      const config = loadConfig(env);
      assert.equal(config.temporal.address, configMap.TEMPORAL_ADDRESS);
      assert.ok(config.payloadEncryption.keys, `${name} has the payload keys`);
      if (name.endsWith('receiver')) assert.doesNotThrow(() => requireWebhookSecrets(config));
      else assert.equal(config.wordpress.appPassword, SECRETS.WP_APP_PASSWORD);
    }
    const receiverKeys = (container('wp-ai-relay-receiver').env ?? []).flatMap((v) => v.valueFrom?.secretKeyRef?.key ?? []);
    assert.ok(!receiverKeys.includes('OPENAI_API_KEY') && !receiverKeys.includes('WP_APP_PASSWORD'), 'the receiver never holds the worker\'s credentials');
  });

  test('the receiver is ready on /readyz, alive on /healthz, on the port it listens on, and scaled on CPU', () => {
    const app = readFileSync(join(ROOT, 'src/http/app.ts'), 'utf8');
    const receiver = container('wp-ai-relay-receiver');
    const port = receiver.ports!.find((p) => p.name === receiver.readinessProbe!.httpGet!.port)!;
    assert.equal(String(port.containerPort), containerEnvironment(receiver, SECRETS).PORT, 'probes reach the port PORT sets');
    assert.equal(receiver.readinessProbe!.httpGet!.path, '/readyz');
    assert.equal(receiver.livenessProbe!.httpGet!.path, '/healthz');
    for (const path of ['/readyz', '/healthz']) assert.ok(app.includes(`router.get('${path}'`), `the receiver serves ${path}`);
    assert.deepEqual(receiver.command, ['node', 'dist/src/receiver.js']);

    const hpa = find('HorizontalPodAutoscaler', 'wp-ai-relay-receiver').spec as { scaleTargetRef: { kind: string; name: string }; metrics: { resource: { name: string } }[] };
    assert.deepEqual([hpa.scaleTargetRef.kind, hpa.scaleTargetRef.name], ['Deployment', 'wp-ai-relay-receiver']);
    assert.deepEqual(hpa.metrics.map((m) => m.resource.name), ['cpu']);
    assert.ok(receiver.resources?.requests?.cpu, 'a CPU request, which CPU utilisation is measured against');
    const service = find('Service', 'wp-ai-relay-receiver').spec as unknown as { selector: Record<string, string>; ports: { port: number; targetPort: string }[] };
    assert.deepEqual(pick(deployment('wp-ai-relay-receiver').metadata.labels, Object.keys(service.selector)), service.selector, 'the Service selects the receiver\'s pods');
    assert.ok([80, 443, 8080].includes(service.ports[0]!.port), 'a port the plugin\'s wp_safe_remote_post posts to');
  });

  test('the worker outlives its own shutdown grace on SIGTERM, and each Deployment has a disruption budget', () => {
    const worker = deployment('wp-ai-relay-worker');
    const env = containerEnvironment(worker.spec.containers[0]!, SECRETS);
    assert.ok(worker.spec.terminationGracePeriodSeconds! * 1000 > loadConfig(env).worker.shutdownGraceMs, 'terminationGracePeriodSeconds > WORKER_SHUTDOWN_GRACE_MS');
    assert.deepEqual(worker.spec.containers[0]!.command, ['node', 'dist/src/worker.js']);
    const metricsPort = Number(env.WORKER_METRICS_ADDRESS!.split(':').at(-1));
    assert.equal(worker.spec.containers[0]!.ports!.find((p) => p.name === 'metrics')?.containerPort, metricsPort);
    for (const name of ['wp-ai-relay-receiver', 'wp-ai-relay-worker']) {
      const pdb = find('PodDisruptionBudget', name).spec!;
      assert.deepEqual(pick(deployment(name).metadata.labels, Object.keys(pdb.selector!.matchLabels)), pdb.selector!.matchLabels, `${name}'s budget selects its pods`);
    }
  });

  test('the namespace job runs compose\'s set-up script with compose\'s retention and search attributes', async () => {
    const job = find('Job', 'wp-ai-relay-temporal-setup').spec!.template!;
    const c = job.spec.containers[0]!;
    assert.deepEqual(c.command, ['/bin/sh', '/etc/wp-ai-relay/temporal-setup.sh']);
    const compose = await renderCompose();
    assert.equal(c.image, compose.services['temporal-setup']!.image);
    const composeEnv = serviceEnvironment(compose, 'temporal-setup');
    const env = Object.fromEntries((c.env ?? []).map((v) => [v.name, v.value ?? configMap[v.valueFrom!.configMapKeyRef!.key]]));
    for (const name of ['TEMPORAL_RETENTION_DAYS', 'TEMPORAL_SEARCH_ATTRIBUTES']) assert.equal(env[name], composeEnv[name], name);
    assert.equal(env.TEMPORAL_ADDRESS, configMap.TEMPORAL_ADDRESS);
  });

  test('temporal-values.yaml gives Temporal\'s Helm chart the harness\'s version, shards, pools and dynamic config', async () => {
    interface Store { sql: { pluginName: string; databaseName: string; maxConns: number; maxIdleConns: number; maxConnLifetime: string } }
    const values = parseYaml(readFileSync(join(DIR, 'temporal-values.yaml'), 'utf8')) as {
      server: {
        image: { tag: string };
        dynamicConfig: unknown;
        config: { persistence: { numHistoryShards: number; datastores: { default: Store; visibility: Store } }; namespaces: { create: boolean; namespace: { name: string; retention: string }[] } };
      };
      admintools: { image: { tag: string } };
    };
    assert.equal(String(values.server.image.tag), TEMPORAL_SERVER_VERSION);
    assert.equal(String(values.admintools.image.tag), TEMPORAL_SERVER_VERSION);
    const { persistence, namespaces } = values.server.config;
    assert.equal(persistence.numHistoryShards, NUM_HISTORY_SHARDS);
    for (const [store, pool] of Object.entries(SQL_POOLS) as [keyof typeof SQL_POOLS, (typeof SQL_POOLS)[keyof typeof SQL_POOLS]][]) {
      const { sql } = persistence.datastores[store];
      assert.equal(sql.pluginName, 'postgres12');
      assert.equal(sql.databaseName, DATABASES[store]);
      assert.deepEqual({ maxConns: sql.maxConns, maxIdleConns: sql.maxIdleConns, maxConnLifetime: sql.maxConnLifetime }, pool, store);
    }
    assert.deepEqual(values.server.dynamicConfig, parseYaml(readFileSync(dynamicConfigFile(), 'utf8')), 'the harness\'s dynamic config, key for key');
    const retentionDays = serviceEnvironment(await renderCompose(), 'temporal-setup').TEMPORAL_RETENTION_DAYS;
    assert.ok(namespaces.create);
    assert.deepEqual(namespaces.namespace, [{ name: configMap.TEMPORAL_NAMESPACE, retention: `${retentionDays}d` }]);
    assert.equal(configMap.TEMPORAL_ADDRESS!.split('.')[0], 'temporal-frontend', 'the chart\'s frontend Service for release "temporal"');
  });

  test('kustomization.yaml applies every manifest but the example Secret', () => {
    const kustomization = parseYaml(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    assert.deepEqual([...kustomization.resources].sort(), manifestFiles.filter((f) => f !== 'secret.example.yaml').sort());
    assert.ok(Object.values(secretExample).every((v) => v === ''), 'the example Secret holds no value');
  });
});

function pick(labels: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, labels[k]!]));
}
