import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RawAnswer {
  /** The status line's code, or undefined when the server closed without answering. */
  readonly status: number | undefined;
  readonly text: string;
}

export interface RawOptions {
  /** Pause between parts, for slow senders. */
  readonly gapMs?: number;
  /**
   * What to do once every part is written: half-close (the default; Node's server then drops a request it has not
   * answered yet), keep the socket open until the server closes it, or reset it.
   */
  readonly then?: 'end' | 'hold' | 'destroy';
  /** Give up waiting for an answer after this long (the socket is destroyed). */
  readonly waitMs?: number;
}

/**
 * Writes bytes to a server exactly as given (malformed heads, lying lengths, bad chunks, slow trickles) on a real
 * TCP socket, and reads whatever comes back until the server closes.
 */
export async function rawRequest(baseUrl: string, parts: readonly (string | Buffer)[], options: RawOptions = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  socket.setNoDelay(true);
  let text = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => {}); // the server may reset a connection it refused
  const done = new Promise<void>((resolve) => socket.once('close', () => ((closed = true), resolve())));
  const giveUp = setTimeout(() => socket.destroy(), options.waitMs ?? 120_000);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  for (const [index, part] of parts.entries()) {
    if (closed) break;
    if (index > 0 && options.gapMs) await sleep(options.gapMs);
    socket.write(part);
  }
  if (options.then === 'destroy') socket.destroy();
  else if ((options.then ?? 'end') === 'end') socket.end();
  await done;
  clearTimeout(giveUp);
  const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return { status: match ? Number(match[1]) : undefined, text };
}

/**
 * A request head for POST /webhooks/wp with the given header lines, asking the server to close after its answer
 * (so a sender that keeps its side open still learns when the exchange is over).
 */
export function head(lines: readonly string[], method = 'POST'): string {
  return `${method} /webhooks/wp HTTP/1.1\r\nHost: relay.test\r\nConnection: close\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`;
}
