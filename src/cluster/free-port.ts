import { createServer } from 'node:net';

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/** A port free right now on 127.0.0.1 (the OS picks it), so parallel test runs never collide. */
export async function freePort(): Promise<number> {
  const port = await tryListen(0);
  if (port === undefined) throw new Error('no free port on 127.0.0.1');
  return port;
}

/**
 * A free port below 32768, for Temporal's membership ports: its cluster_membership table keeps them as SMALLINT,
 * and the OS's ephemeral ports (from 32768 on Linux) do not fit. Also below the range the OS hands out for
 * outgoing connections, so nothing else takes it by chance before the service binds it.
 */
export async function freeLowPort(taken: ReadonlySet<number> = new Set()): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    const port = taken.has(candidate) ? undefined : await tryListen(candidate);
    if (port !== undefined) return port;
  }
  throw new Error('no free port between 20000 and 32000 on 127.0.0.1');
}
