import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { parse as parseYaml } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config';
import { TEST_PAYLOAD_KEYS } from '../support/relay';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { ROOT, runCommand } from './helpers/cli';

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: string[];
}

const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
const RELAY_SERVICES = ['receiver', 'worker'] as const;

/** A service's environment as a map (compose allows a list of NAME=value too). */
function environment(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env) ? env.map((e) => e.split(/=(.*)/s).slice(0, 2) as [string, string]) : Object.entries(env);
  return Object.fromEntries(entries.map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

/**
 * Compose's own interpolation, enough for this file: `${X:-default}` takes the default, `${X:?message}` and
 * `${X}` take the value an operator would set (given here), and `$$` is a literal `$`.
 */
function interpolate(value: string, given: Record<string, string>): string {
  return value
    .replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
      if (given[name] !== undefined) return given[name]!;
      if (op === '-') return arg ?? '';
      throw new Error(`docker-compose.yml needs ${name} and the test gives no value for it`);
    })
    .replace(/\$\$/g, '$');
}

const OPERATOR_VALUES = {
  WP_RELAY_SECRET: 'a-production-secret-0123456789',
  OPENAI_API_KEY: 'sk-from-the-operator',
  WP_APP_PASSWORD: 'abcd efgh ijkl mnop qrst uvwx',
  PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
};

describe('docker-compose.yml and the Dockerfile', () => {
  test('the compose file parses and has the production services', () => {
    const names = Object.keys(compose.services);
    for (const name of ['postgresql', 'temporal', 'temporal-ui', 'temporal-admin-tools', 'temporal-setup', 'wordpress', 'mariadb', ...RELAY_SERVICES]) {
      assert.ok(names.includes(name), `service ${name} is missing`);
    }
    assert.match(compose.services.temporal!.image ?? '', /^temporalio\/server:/);
    assert.equal(environment(compose.services.temporal!).DB, 'postgres12', 'Temporal persists to PostgreSQL');
    assert.match(compose.services['temporal-admin-tools']!.image ?? '', /tctl-/, 'the admin tools image carries tctl');
  });

  test('every image, in compose and in the Dockerfile, is pinned to a version', () => {
    const pinned = (image: string) => /^[\w./-]+:(?!latest$)[\w.-]*\d[\w.-]*$/.test(image);
    for (const [name, service] of Object.entries(compose.services)) {
      assert.ok(service.image, `${name} names its image`);
      assert.ok(pinned(service.image), `${name}: ${service.image} is not pinned to a version`);
      if (service.build !== undefined) {
        assert.equal(service.image, `wp-ai-relay:${packageJson.version}`, `${name} tags the image it builds with the package version`);
      }
    }
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
    assert.ok(froms.length >= 2, 'a multi-stage build');
    for (const image of froms) assert.ok(pinned(image), `Dockerfile: ${image} is not pinned to a version`);
  });

  test('the receiver and worker get only variables the config schema knows, and those values load', () => {
    for (const name of RELAY_SERVICES) {
      const env = environment(compose.services[name]!);
      const unknown = Object.keys(env).filter((k) => !CONFIG_VARIABLES.includes(k));
      assert.deepEqual(unknown, [], `${name} is given variables src/config.ts does not read`);
      const values = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(v, OPERATOR_VALUES)]));
      const config = loadConfig(values);
      assert.equal(config.temporal.address, 'temporal:7233');
    }
    const worker = loadConfig(
      Object.fromEntries(Object.entries(environment(compose.services.worker!)).map(([k, v]) => [k, interpolate(v, OPERATOR_VALUES)])),
    );
    assert.equal(worker.worker.metricsAddress, '0.0.0.0:9464');
  });

  test('the WordPress service mounts the plugin from this repository', () => {
    const mount = (compose.services.wordpress!.volumes ?? []).find((v) => v.includes('/wp-content/plugins/wp-ai-relay'));
    assert.ok(mount, 'the plugin is mounted');
    const source = mount.split(':')[0]!;
    assert.equal(source, './wordpress-plugin/wp-ai-relay');
    assert.ok(existsSync(join(ROOT, source, 'wp-ai-relay.php')), `${source}/wp-ai-relay.php exists`);
  });

  test('the Dockerfile builds with the commands CI runs, and the built entry points exist', async () => {
    const runs = [...dockerfile.matchAll(/^RUN\s+(.+)$/gm)].map((m) => m[1]!);
    assert.ok(runs.some((r) => /^npm ci\b/.test(r)), 'the Dockerfile installs with npm ci');
    assert.ok(runs.some((r) => /\bnpm run build\b/.test(r)), 'the Dockerfile builds with npm run build');
    const ci = join(ROOT, '.ci/run');
    if (existsSync(ci)) assert.match(readFileSync(ci, 'utf8'), /\bnpm ci\b/, '.ci/run installs the same way');

    const build = await runCommand('npm', ['run', 'build']);
    assert.equal(build.code, 0, build.stdout + build.stderr);
    const started = [
      ...RELAY_SERVICES.map((name) => [compose.services[name]!.command].flat().join(' ')),
      /^CMD\s+\[(.*)\]$/m.exec(dockerfile)?.[1]?.replace(/"/g, '').replace(/,\s*/g, ' ') ?? '',
    ];
    for (const command of started) {
      const entry = /^node (dist\/\S+\.js)$/.exec(command)?.[1];
      assert.ok(entry, `"${command}" runs a compiled entry point with node`);
      assert.ok(existsSync(join(ROOT, entry)), `${entry} was built`);
    }
    const bin = packageJson.bin['wp-ai-relay'];
    assert.equal(bin, 'dist/src/cli.js');
    assert.ok(readFileSync(join(ROOT, bin), 'utf8').startsWith('#!/usr/bin/env node\n'), 'the bin keeps its shebang');
    const help = await runCommand(process.execPath, [join(ROOT, bin), 'help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /wp-ai-relay <command>/);
  });
});

describe('the compose set-up script, run against a real Temporal', () => {
  let temporal: TestTemporal;
  let connection: Connection;
  const namespace = `compose-setup-${process.pid}`;

  before(async () => {
    temporal = await startTestTemporal();
    connection = await Connection.connect({ address: temporal.address });
  });
  after(async () => {
    await connection?.close();
    await temporal?.stop();
  });

  async function runSetup(): Promise<void> {
    const service = compose.services['temporal-setup']!;
    const script = interpolate([service.command].flat()[0]!, {});
    const env = Object.fromEntries(Object.entries(environment(service)).map(([k, v]) => [k, interpolate(v, {})]));
    const out = await runCommand('sh', ['-c', script], { ...env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: namespace });
    assert.equal(out.code, 0, out.stdout + out.stderr);
  }

  test('creates the namespace with a retention of at least 7 days and the search attributes, and can run again', async () => {
    await runSetup();
    await runSetup();

    const described = await connection.workflowService.describeNamespace({ namespace });
    const retentionSeconds = Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
    assert.ok(retentionSeconds >= 7 * 24 * 3600, `retention is ${retentionSeconds} s`);

    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const types = { Keyword: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, Int: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT };
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
      assert.equal(customAttributes?.[name], types[type], `${name} is a ${type}`);
    }
  });
});
