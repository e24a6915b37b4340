import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectDir } from '../../src/temporal/temporal-cli';
import { startTemporalCluster } from './cluster';
import { TEMPORAL_SERVER_VERSION } from './server-binaries';

const USAGE = `usage: npm run cluster -- [--dir DIR] [--services single|separate] [--namespace NAME] [--retention-days N] [command ...]
Starts PostgreSQL and the Temporal server ${TEMPORAL_SERVER_VERSION} on it, prints where they are and runs until Ctrl-C; with a
command, runs it with TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE set, then stops and exits with its status.`;

/** Leading `--flag value` pairs are the harness's own; everything from the first other word on is the command. */
function splitArgs(argv: readonly string[]): { flags: string[]; command: string[] } {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('--')) {
    if (argv[i] === '--') return { flags: argv.slice(0, i), command: argv.slice(i + 1) };
    i += argv[i]!.includes('=') ? 1 : 2;
  }
  return { flags: argv.slice(0, i), command: argv.slice(i) };
}

async function main(): Promise<number> {
  const { flags, command } = splitArgs(process.argv.slice(2));
  const { values } = parseArgs({
    args: flags,
    options: {
      dir: { type: 'string', default: resolve(projectDir(), '.data', 'cluster') },
      services: { type: 'string', default: 'single' },
      namespace: { type: 'string', default: 'default' },
      'retention-days': { type: 'string', default: '14' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return (console.log(USAGE), 0);
  const retentionDays = Number(values['retention-days']);
  if (values.services !== 'single' && values.services !== 'separate') throw new Error(`--services must be single or separate\n${USAGE}`);
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new Error(`--retention-days must be a whole number of days\n${USAGE}`);

  const cluster = await startTemporalCluster({
    dir: resolve(values.dir),
    services: values.services,
    namespace: values.namespace,
    retentionDays,
    binDir: process.env.TEMPORAL_SERVER_BIN_DIR || undefined,
    log: (line) => console.error(line),
  });
  console.log(
    [
      `Temporal cluster ready (${cluster.layout === 'single' ? 'all services in one process' : 'frontend, history, matching and worker as separate processes'})`,
      `  grpc       ${cluster.address}   (no Web UI: TEMPORAL_ADDRESS=${cluster.address} TEMPORAL_NAMESPACE=${cluster.namespace})`,
      `  namespace  ${cluster.namespace}, retention ${retentionDays} days, search attributes registered`,
      `  postgres   127.0.0.1:${new URL(cluster.pgUrl).port} (user temporal, password in ${cluster.dir}/postgres/password)`,
      `  data/logs  ${cluster.dir}`,
      command.length === 0 ? '  Ctrl-C to stop' : `  running: ${command.join(' ')}`,
    ].join('\n'),
  );
  if (command.length === 0) {
    await new Promise<void>((done) => {
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, done);
    });
    await cluster.stop();
    return 0;
  }
  const child = spawn(command[0]!, command.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, TEMPORAL_ADDRESS: cluster.address, TEMPORAL_NAMESPACE: cluster.namespace },
  });
  // The command gets Ctrl-C from the terminal itself; other signals are passed on. Either way the harness waits for
  // it to exit and then stops the cluster, rather than dying first and leaving the cluster running.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => signal !== 'SIGINT' && child.kill(signal));
  const code = await new Promise<number>((done) => {
    child.once('error', (error) => (console.error(`${command[0]}: ${error.message}`), done(127)));
    child.once('exit', (exitCode, signal) => done(exitCode ?? (signal ? 128 : 1)));
  });
  await cluster.stop();
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
