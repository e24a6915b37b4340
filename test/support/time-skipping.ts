import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { PayloadCodec } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { dataConverterOf } from '../../src/codec/data-converter';
import { eventually } from './eventually';
import { freePort } from './ports';

/** The launcher of Temporal's Java time-skipping test server, whose jars scripts/setup-debian.sh installs. */
export const TEST_SERVER_LAUNCHER = join(__dirname, '../../scripts/temporal-test-server/temporal-test-server');

export interface TimeSkipping {
  readonly env: TestWorkflowEnvironment;
  /** Closes the environment's connections and stops the test server. */
  stop(): Promise<void>;
}

/** The SDK's own constructor of an environment (private in its types), given a server it did not start. */
type CreateEnvironment = (options: {
  server: { type: 'existing' };
  address: string;
  namespace: string;
  supportsTimeSkipping: boolean;
  client: { dataConverter: ReturnType<typeof dataConverterOf> };
}) => Promise<TestWorkflowEnvironment>;

/**
 * An environment on Temporal's Java time-skipping test server, its client encoding with `codec` as the relay's own
 * clients do. The server is started here and waited for until its port opens: `createTimeSkipping` gives it 5 s
 * and then kills it, a bet a JVM on a loaded machine loses. Attaching is the SDK's own path for an existing server,
 * with time skipping kept on (its public `createFromExistingServer` turns it off).
 */
export async function startTimeSkipping(codec: PayloadCodec): Promise<TimeSkipping> {
  const port = await freePort();
  const server = spawn(TEST_SERVER_LAUNCHER, [String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(server, 'exit');
  const stopServer = async () => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
    await exited;
  };
  try {
    await eventually(async () => {
      if (server.exitCode !== null) throw new Error(`the time-skipping test server exited (${server.exitCode}):\n${stderr}`);
      return (await accepts(port)) || undefined;
    }, 'the time-skipping test server to open its port');
    const create = (TestWorkflowEnvironment as unknown as { create: CreateEnvironment }).create.bind(TestWorkflowEnvironment);
    const env = await create({
      server: { type: 'existing' },
      address: `127.0.0.1:${port}`,
      namespace: 'default',
      supportsTimeSkipping: true,
      client: { dataConverter: dataConverterOf(codec) },
    });
    return {
      env,
      stop: async () => {
        await env.teardown();
        await stopServer();
      },
    };
  } catch (error) {
    await stopServer();
    throw error;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
