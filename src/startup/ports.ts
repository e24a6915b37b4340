import { createServer } from 'node:net';
import { findPortHolder } from './port-holder';

/** A port the relay is about to listen on (or have its dev server listen on), and the variable that sets it. */
export interface WantedPort {
  readonly variable: string;
  readonly port: number;
  readonly host: string;
}

/** Tries to listen on the port and lets it go again; the error code when that fails. */
async function tryListen({ port, host }: WantedPort): Promise<string | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** One line per port that is taken: which variable, who holds it when that can be known, and what to do. */
export async function portProblems(wanted: readonly WantedPort[]): Promise<string[]> {
  const problems: string[] = [];
  for (const want of wanted) {
    if (want.port === 0) continue;
    const code = await tryListen(want);
    if (code === undefined) continue;
    problems.push(portInUseMessage(want, code));
  }
  return problems;
}

/**
 * `PORT 8000 is in use by pid 123 (python3 -m http.server): stop it, or set PORT to a free port`. A Temporal on the
 * dev server's port is refused too, saying how to use it on purpose: the relay never adopts a server it did not start.
 */
export function portInUseMessage(want: WantedPort, code = 'EADDRINUSE'): string {
  if (code === 'EACCES') return `${want.variable} ${want.port} needs privileges to listen on; set ${want.variable} to a port above 1023`;
  if (code !== 'EADDRINUSE') return `${want.variable} ${want.port} cannot be listened on at ${want.host} (${code}); set ${want.variable} or HOST`;
  const holder = findPortHolder(want.port);
  const who = holder ? `pid ${holder.pid} (${holder.command})` : 'another process';
  if (want.variable === 'TEMPORAL_DEV_PORT' && holder && /\btemporal\b/.test(holder.command)) {
    return (
      `${want.variable} ${want.port} is in use by ${who}, a Temporal this relay did not start: stop it (kill ${holder.pid}), ` +
      `or use it on purpose with TEMPORAL_ADDRESS=127.0.0.1:${want.port}`
    );
  }
  return `${want.variable} ${want.port} is in use by ${who}: stop it, or set ${want.variable} to a free port`;
}
