import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { dataConverterOf } from '../src/temporal/data-converter';
import { parsePayloadKeys } from '../src/codec/keys';
import { AesGcmPayloadCodec } from '../src/codec/payload-codec';
import { startDevServer } from '../src/temporal/dev-server';
import { freePort } from '../tools/cluster/free-port';
import { cpuSeconds, rssMb } from '../tools/proc-stats';
import { healthy } from '../tools/spawn-entry-point';
import { summarizeProfile } from './cpu-profile';
import { runLoad } from './load';
import type { BenchOptions, ReceiverVariant } from './options';
import { buildProject, spawnService } from './services';
import { BENCH_SECRET } from './stack';
import { median, round } from './stats';
import { workflowKeys } from './verify';

/** One receiver run: its CPU time over the measured events, divided by the requests answered. */
export interface ReceiverCpuLine {
  readonly scenario: 'receiver-cpu';
  readonly variant: string;
  readonly round: number;
  readonly receiver: string;
  readonly rate: number;
  readonly requests: number;
  readonly accepted: number;
  readonly statuses: Record<string, number>;
  readonly errors: number;
  readonly not_sent: number;
  readonly cpu_s: number;
  readonly cpu_ms_per_request: number;
  readonly rss_mb: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly load_average: number[];
}

/** Most requests in flight: enough that a paced run never waits for a socket at the rates used here. */
const CONNECTIONS = 64;

/**
 * The receiver's CPU per accepted request: each variant's receiver (`node dist/src/receiver.js` of this checkout, or
 * another build, tracing off unless asked, LOG_LEVEL=info) in its own process against one in-memory dev server, fresh
 * signed post.published events at a fixed rate from the load process, the receiver's process CPU (from /proc) over
 * the measured window. Variants alternate within each round, each run on a fresh receiver, so a before/after pair is
 * measured back to back; the summary gives each variant's median and its ratio to the first variant, round by round.
 * Every accepted key is then checked: one workflow each, none unknown.
 */
export async function runReceiverCpu(options: BenchOptions, dir: string, log: (line: string) => void, print: (line: object) => void): Promise<ReceiverCpuLine[]> {
  const { variants } = options.receiverCpu;
  const compiledDir = options.receiverCpu.tsx || variants.every((v) => v.entry !== undefined) ? undefined : await buildProject(log);
  const payloadKeys = `bench:${randomBytes(32).toString('base64')}`;
  const suffix = randomUUID().slice(0, 8);
  const queueOf = (variant: ReceiverVariant) => `bench-cpu-${variant.name.replace(/[^A-Za-z0-9-]/g, '-')}-${suffix}`;
  log('receiver-cpu: starting an in-memory Temporal dev server');
  const temporal = await startDevServer({ port: await freePort(), namespace: 'default', retentionDays: 1 });
  const sink = variants.some((v) => v.tracing) ? await startOtlpSink() : undefined;
  const lines: ReceiverCpuLine[] = [];
  const keys = new Map(variants.map((v) => [v.name, { sent: new Set<string>(), accepted: new Set<string>() }]));
  try {
    for (let r = 1; r <= options.rounds; r++) {
      for (const variant of variants) {
        log(`receiver-cpu: round ${r}/${options.rounds}, ${variant.name} at ${options.receiverCpu.rate}/s`);
        const line = await measure(variant, r, { options, dir, compiledDir, payloadKeys, temporalAddress: temporal.address, taskQueue: queueOf(variant), sinkUrl: sink?.url, keys: keys.get(variant.name)! });
        lines.push(line);
        print(line);
      }
    }
    for (const line of summarize(lines, variants)) print(line);
    log('receiver-cpu: checking every accepted key (one workflow each)');
    const connection = await Connection.connect({ address: temporal.address });
    try {
      const client = new Client({ connection, namespace: 'default', dataConverter: dataConverterOf(new AesGcmPayloadCodec(parsePayloadKeys(payloadKeys))) });
      const checks = [];
      for (const variant of variants) {
        const { sent, accepted } = keys.get(variant.name)!;
        checks.push({ variant: variant.name, ...(await workflowKeys(client, queueOf(variant), sent, accepted)) });
      }
      print({ scenario: 'receiver-cpu', check: checks });
    } finally {
      await connection.close();
    }
    if (options.receiverCpu.profileDir !== undefined) {
      for (const line of lines) {
        const file = join(options.receiverCpu.profileDir, profileName(line.variant, line.round));
        console.error(summarizeProfile(file, options.receiverCpu.profileInclusive).join('\n'));
      }
    }
    return lines;
  } finally {
    sink?.server.close();
    await temporal.stop();
  }
}

interface RunContext {
  readonly options: BenchOptions;
  readonly dir: string;
  readonly compiledDir: string | undefined;
  readonly payloadKeys: string;
  readonly temporalAddress: string;
  readonly taskQueue: string;
  readonly sinkUrl: string | undefined;
  readonly keys: { readonly sent: Set<string>; readonly accepted: Set<string> };
}

async function measure(variant: ReceiverVariant, roundNumber: number, context: RunContext): Promise<ReceiverCpuLine> {
  const { options, dir } = context;
  const { rate, events, warmupEvents, tsx, profileDir } = options.receiverCpu;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const profile = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', profileName(variant.name, roundNumber)];
  const entry = variant.entry ?? (tsx ? undefined : join(context.compiledDir!, 'src', 'receiver.js'));
  const script = entry === undefined ? ['--import', 'tsx', 'src/receiver.ts'] : [entry];
  const receiver = await spawnService({
    entry: entry ?? 'src/receiver.ts',
    command: [process.execPath, ...profile, ...script],
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      TEMPORAL_ADDRESS: context.temporalAddress,
      TEMPORAL_TASK_QUEUE: context.taskQueue,
      WP_RELAY_SECRET: BENCH_SECRET,
      PAYLOAD_ENCRYPTION_KEYS: context.payloadKeys,
      LOG_LEVEL: 'info',
      ...(variant.tracing ? { OTEL_EXPORTER_OTLP_ENDPOINT: context.sinkUrl! } : {}),
      ...options.receiverEnv,
      ...variant.env,
    },
    logFile: join(dir, `receiver-cpu-${variant.name.replace(/\W+/g, '-')}-${roundNumber}.log`),
    ready: healthy(url),
  });
  try {
    let cpu0 = 0;
    const result = await runLoad(
      { target: 'http', url, kind: 'unique', secret: BENCH_SECRET, client: 'agent', connections: CONNECTIONS, rate, warmupSeconds: warmupEvents / rate, durationSeconds: events / rate },
      () => {
        cpu0 = cpuSeconds(receiver.pid, { tree: false });
      },
    );
    const cpu = cpuSeconds(receiver.pid, { tree: false }) - cpu0;
    for (const key of result.sentKeys) context.keys.sent.add(key);
    for (const key of result.acceptedKeys) context.keys.accepted.add(key);
    return {
      scenario: 'receiver-cpu',
      variant: variant.name,
      round: roundNumber,
      receiver: script.join(' '),
      rate,
      requests: result.requests,
      accepted: result.statuses['202'] ?? 0,
      statuses: result.statuses,
      errors: result.errors,
      not_sent: result.notSent,
      cpu_s: round(cpu, 2),
      cpu_ms_per_request: round((cpu * 1000) / Math.max(1, result.requests), 3),
      rss_mb: Math.round(rssMb(receiver.pid)),
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      load_average: loadavg().map((v) => round(v, 2)),
    };
  } finally {
    // The profile is written as the process exits.
    await receiver.stop();
  }
}

/** Each variant's median, and its ratio to the first variant taken within each round (same minutes of the machine). */
export function summarize(lines: readonly ReceiverCpuLine[], variants: readonly Pick<ReceiverVariant, 'name'>[]): object[] {
  const [first] = variants;
  return variants.map((variant) => {
    const mine = lines.filter((l) => l.variant === variant.name);
    const ratios = mine.flatMap((l) => {
      const base = lines.find((b) => b.variant === first!.name && b.round === l.round);
      return base && base.cpu_ms_per_request > 0 ? [round(l.cpu_ms_per_request / base.cpu_ms_per_request, 3)] : [];
    });
    return {
      scenario: 'receiver-cpu',
      variant: variant.name,
      rounds: mine.length,
      cpu_ms_per_request: round(median(mine.map((l) => l.cpu_ms_per_request)), 3),
      per_round: mine.map((l) => l.cpu_ms_per_request),
      ...(variant === first ? {} : { [`over_${first!.name}`]: { median: round(median(ratios), 3), per_round: ratios } }),
      rss_mb: Math.max(...mine.map((l) => l.rss_mb)),
    };
  });
}

function profileName(variant: string, roundNumber: number): string {
  return `${variant.replace(/\W+/g, '-')}-${roundNumber}.cpuprofile`;
}

/** Where a traced receiver exports its spans: answers every OTLP request 200 and drops it. */
async function startOtlpSink(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
