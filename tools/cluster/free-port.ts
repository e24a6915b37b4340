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

/** Whether `port` can be bound on 127.0.0.1 right now. */
export async function isFree(port: number): Promise<boolean> {
  return (await tryListen(port)) === port;
}

/** A port free right now on 127.0.0.1 (the OS picks it), so parallel test runs never collide. */
export async function freePort(): Promise<number> {
  const port = await tryListen(0);
  if (port === undefined) throw new Error('no free port on 127.0.0.1');
  return port;
}

/**
 * A free port below 32768, for a server that must get the same port back after a restart: the OS hands ports from
 * 32768 on (Linux's ephemeral range) to outgoing connections, so one of those may be taken by any client while the
 * server is down (seen: the frontend's HTTP port). Temporal's membership ports must be below it anyway: its
 * cluster_membership table keeps them as SMALLINT.
 */
export async function freeLowPort(taken: ReadonlySet<number> = new Set()): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    const port = taken.has(candidate) ? undefined : await tryListen(candidate);
    if (port !== undefined) return port;
  }
  throw new Error('no free port between 20000 and 32000 on 127.0.0.1');
}
