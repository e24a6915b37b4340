import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface OutageProxy {
  /** `http://127.0.0.1:<port>`: point the relay here instead of at the service. */
  readonly url: string;
  /** Connections to it, so a test can tell the relay is trying. */
  readonly connections: () => number;
  /** The service is gone: open connections are cut and new ones refused (ECONNREFUSED), as when it is stopped. */
  down(): Promise<void>;
  /** Back on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP forwarder on 127.0.0.1 in front of a real service (WordPress): taking it down looks to the relay exactly
 * like the service's host going away and coming back on the same address, while the service itself keeps its
 * state, so the test can check what was written once it is back.
 */
export async function startOutageProxy(target: string): Promise<OutageProxy> {
  const { hostname, port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  let connections = 0;
  let server: Server | undefined;
  let port = 0;

  const listen = async () => {
    const next = createServer((client) => {
      connections += 1;
      const upstream = createConnection({ host: hostname, port: Number(targetPort) });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    next.listen(port, '127.0.0.1');
    await once(next, 'listening');
    port = (next.address() as { port: number }).port;
    server = next;
  };
  const stop = async () => {
    const current = server;
    server = undefined;
    if (!current) return;
    const closed = new Promise<void>((resolve) => current.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };

  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    down: stop,
    up: async () => {
      if (!server) await listen();
    },
    close: stop,
  };
}
