import { connect } from 'node:net';
import { join } from 'node:path';
import type { PayloadCodec } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { dataConverterOf } from '../../src/temporal/data-converter';
import { spawnEntryPoint } from '../../tools/spawn-entry-point';
import { freePort } from './ports';

const SCRIPTS = join(__dirname, '../../scripts/temporal-test-server');
/** The launcher of Temporal's Java time-skipping test server, whose jars scripts/temporal-test-server/install.sh installs. */
export const TEST_SERVER_LAUNCHER = join(SCRIPTS, 'temporal-test-server');
/** What the SDK runs in its place once it is up (see the script). */
const ATTACHED = join(SCRIPTS, 'attached');

export interface TimeSkipping {
  readonly env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

/**
 * `TestWorkflowEnvironment.createTimeSkipping` on the Java test server, started here and waited for until its port
 * answers, however long a JVM takes on a loaded machine (the SDK's own start gives it 5 s). Given `codec`, its client
 * encodes with it, as the relay's own clients do.
 */
export async function startTimeSkipping(codec?: PayloadCodec): Promise<TimeSkipping> {
  const port = await freePort();
  const server = await spawnEntryPoint({
    entry: 'the time-skipping test server',
    command: [TEST_SERVER_LAUNCHER, String(port)],
    env: passThrough('WP_AI_RELAY_TOOLS_DIR', 'XDG_CACHE_HOME', 'TEMPORAL_TEST_SERVER_LIB', 'JAVA_HOME'),
    ready: () => accepts(port),
  });
  try {
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { port, executable: { type: 'existing-path', path: ATTACHED }, extraArgs: [] },
      ...(codec ? { client: { dataConverter: dataConverterOf(codec) } } : {}),
    });
    return { env, stop: () => env.teardown().finally(() => server.kill()) };
  } catch (error) {
    await server.kill();
    throw error;
  }
}

function passThrough(...names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
