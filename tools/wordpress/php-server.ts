import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../cluster/free-port';
import { stopGroup, waitFor } from './processes';

/**
 * `php -S` serving the site root in `dir` through its router, on a free port; another process can take the
 * port between the check and php's bind, so that is retried.
 */
export async function startPhpServer(dir: string): Promise<{ server: ChildProcess; port: number }> {
  const log = join(dir, 'php-server.log');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const out = openSync(log, 'a');
    const server = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', join(dir, 'site'), join(dir, 'router.php')], {
      detached: true,
      stdio: ['ignore', out, out],
      // With one worker, a request waiting on its own outgoing webhook would block the relay's write-back.
      env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
    });
    closeSync(out);
    try {
      await waitFor(() => canConnect(port), server, log);
      // Answering is not enough: the answer may come from whoever took the port first.
      if (server.exitCode === null) return { server, port };
    } catch (error) {
      if (attempt >= 3) throw error;
    }
    await stopGroup(server);
    if (attempt >= 3) throw new Error('php -S found no free port');
  }
}

async function canConnect(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/wp-includes/images/blank.gif`);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
