import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer } from '../src/temporal/dev-server';
import { freePort } from '../tools/cluster/free-port';
import { drive } from './pacer';
import { cpuSeconds } from '../tools/proc-stats';
import { requestFactory } from './requests';
import { healthy } from '../tools/spawn-entry-point';
import { spawnService } from './services';
import { median, round, summarize } from './stats';

/**
 * What tracing costs the receiver: the real receiver process (`src/receiver.ts`) on an in-memory Temporal dev
 * server, with OTEL_* unset and with an OTLP endpoint (a local sink that answers 200), in alternating rounds of
 * the same paced load, so machine noise hits both alike. Prints latency percentiles and the receiver's CPU time
 * per accepted webhook, with their ratios. `npm run bench:tracing`; TRACING_BENCH_RATE, _SECONDS, _ROUNDS.
 */
const SECRET = 'bench-tracing-secret-0123456789';
const KEYS = `bench:${Buffer.alloc(32, 3).toString('base64')}`;
const rate = Number(process.env.TRACING_BENCH_RATE ?? 100);
const seconds = Number(process.env.TRACING_BENCH_SECONDS ?? 15);
const rounds = Number(process.env.TRACING_BENCH_ROUNDS ?? 2);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-tracing-bench-'));
  const temporal = await startDevServer({ port: await freePort(), namespace: 'default', retentionDays: 1 });
  let spansExports = 0;
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      spansExports += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  sink.listen(0, '127.0.0.1');
  await once(sink, 'listening');
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

  const modes = {
    off: {},
    on: { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl },
  } as const;
  const results: Record<keyof typeof modes, { p50: number[]; p99: number[]; cpuMsPerRequest: number[]; accepted: number }> = {
    off: { p50: [], p99: [], cpuMsPerRequest: [], accepted: 0 },
    on: { p50: [], p99: [], cpuMsPerRequest: [], accepted: 0 },
  };
  try {
    for (let r = 0; r < rounds; r++) {
      for (const mode of ['off', 'on'] as const) {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        const receiver = await spawnService({
          entry: 'src/receiver.ts',
          env: { TEMPORAL_ADDRESS: temporal.address, WP_RELAY_SECRET: SECRET, PAYLOAD_ENCRYPTION_KEYS: KEYS, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...modes[mode] },
          logFile: join(dir, `receiver-${mode}-${r}.log`),
          ready: healthy(url),
        });
        try {
          const next = requestFactory('unique', SECRET);
          const send = async () => {
            const request = next();
            const response = await fetch(`${url}/webhooks/wp`, { method: 'POST', headers: request.headers, body: request.body });
            await response.arrayBuffer();
            return String(response.status);
          };
          await drive({ connections: 32, durationSeconds: 3, warmupSeconds: 0, rate }, send); // warm-up: JIT, connections
          const cpuBefore = cpuSeconds(receiver.pid, { tree: false });
          const run = await drive({ connections: 32, durationSeconds: seconds, warmupSeconds: 0, rate }, send);
          const cpu = cpuSeconds(receiver.pid, { tree: false }) - cpuBefore;
          const accepted = run.outcomes['202'] ?? 0;
          const latency = summarize(run.latenciesMs);
          results[mode].p50.push(latency.p50);
          results[mode].p99.push(latency.p99);
          results[mode].cpuMsPerRequest.push((cpu * 1000) / Math.max(1, accepted));
          results[mode].accepted += accepted;
          console.log(`round ${r + 1} ${mode.padEnd(3)}: ${accepted} accepted of ${run.latenciesMs.length}, p50 ${latency.p50} ms, p99 ${latency.p99} ms, receiver CPU ${round((cpu * 1000) / Math.max(1, accepted))} ms/webhook`);
        } finally {
          await receiver.stop();
        }
      }
    }
  } finally {
    sink.close();
    await temporal.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const m = (mode: 'off' | 'on', key: 'p50' | 'p99' | 'cpuMsPerRequest') => round(median(results[mode][key]));
  console.log(`\nreceiver tracing cost at ${rate} req/s, ${rounds} × ${seconds} s per mode, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| | p50 ms | p99 ms | receiver CPU ms / webhook |');
  console.log('| --- | --- | --- | --- |');
  for (const mode of ['off', 'on'] as const) console.log(`| tracing ${mode} | ${m(mode, 'p50')} | ${m(mode, 'p99')} | ${m(mode, 'cpuMsPerRequest')} |`);
  console.log(`| on / off | ${round(m('on', 'p50') / m('off', 'p50'))}× | ${round(m('on', 'p99') / m('off', 'p99'))}× | ${round(m('on', 'cpuMsPerRequest') / m('off', 'cpuMsPerRequest'))}× |`);
  console.log(`(${spansExports} export requests reached the sink while tracing was on)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
