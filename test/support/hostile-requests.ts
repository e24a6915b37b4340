import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { standardSignature, wpSignature } from '../../contract/sign';
import { head, rawRequest, type RawAnswer } from './raw-http';

/** The receiver's secrets in the hostile-input runs: two active key ids, as during a rotation. */
export const HOSTILE_SECRETS = { k1: 'hostile-secret-one-0123456789', k2: 'hostile-secret-two-0123456789' } as const;
export const HOSTILE_ENV = {
  WP_RELAY_SECRETS: `k1:${HOSTILE_SECRETS.k1},k2:${HOSTILE_SECRETS.k2}`,
  // Small limits keep "over the limit" cheap to send tens of thousands of times; the code paths are the same.
  MAX_BODY_BYTES: '16384',
  // Deadlines short enough that stalled senders cost little, and far above what a trickling sender that does
  // finish needs (at most 3 gaps of 20 ms), so a loaded machine does not turn its 202 into a 408.
  HEADERS_TIMEOUT_MS: '1500',
  BODY_TIMEOUT_MS: '1500',
  // A start that is merely slow on a loaded machine is not an outage: only a real one may answer 503 here.
  TEMPORAL_START_TIMEOUT_MS: '30000',
} as const;
const MAX_BODY = Number(HOSTILE_ENV.MAX_BODY_BYTES);

/**
 * One generated request, made when it is sent (`build`), so a timestamp offset is from the moment of sending: one
 * 301 s ahead must not drift into the window while earlier cases are being sent.
 */
export interface HostileCase {
  readonly kind: string;
  build(): BuiltCase;
}

/** A request's bytes, how they are sent, and what the sender knows about its signature. */
export interface BuiltCase {
  readonly kind: string;
  readonly parts: readonly (string | Buffer)[];
  readonly gapMs: number;
  readonly then: 'end' | 'hold';
  /** True when the request carries a signature made with an active secret over exactly the bytes sent. */
  readonly validlySigned: boolean;
  /** True when it is also a well-formed event the receiver must accept (202). */
  readonly mustAccept: boolean;
  /** Signature values sent, which must never appear in the log. */
  readonly secrets: readonly string[];
}

/** Marks generated bodies: a token of this shape anywhere in the log means body bytes were logged. */
export const BODY_MARK = /MARK-[0-9a-f]{12}/g;
const mark = () => `MARK-${randomBytes(6).toString('hex')}`;

interface Signing {
  readonly scheme: 'wp' | 'standard';
  readonly secret: string;
  readonly keyId: string | undefined;
  readonly validSecret: boolean;
}

const signing: fc.Arbitrary<Signing> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ scheme: fc.constantFrom('wp' as const, 'standard' as const), secret: fc.constant(HOSTILE_SECRETS.k1), keyId: fc.constantFrom('k1', undefined), validSecret: fc.constant(true) }) },
  { weight: 3, arbitrary: fc.record({ scheme: fc.constantFrom('wp' as const, 'standard' as const), secret: fc.constant(HOSTILE_SECRETS.k2), keyId: fc.constantFrom('k2', undefined), validSecret: fc.constant(true) }) },
  // A key id naming the other active secret, an unknown id, or a secret the receiver has never had.
  { weight: 1, arbitrary: fc.record({ scheme: fc.constantFrom('wp' as const, 'standard' as const), secret: fc.constant(HOSTILE_SECRETS.k1), keyId: fc.constantFrom('k2', 'k9', 'x'.repeat(200)), validSecret: fc.constant(false) }) },
  { weight: 2, arbitrary: fc.record({ scheme: fc.constantFrom('wp' as const, 'standard' as const), secret: fc.constant('wrong-secret-0123456789abc'), keyId: fc.constantFrom('k1', undefined), validSecret: fc.constant(false) }) },
);

/** Offsets from now, in seconds: inside the ±300 s window, at its edges, just outside, absurd. */
const timestampOffset = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -250, max: 250 }) },
  { weight: 2, arbitrary: fc.constantFrom(-302, -301, 301, 302, -1e9, 1e11) },
);

/** Bodies: a valid event, one with hostile fields, truncated, deeply nested, invalid UTF-8, random bytes. */
const body: fc.Arbitrary<{ kind: string; bytes: Buffer; event: boolean; key: string }> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null).map(() => jsonBody('valid event', {})) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        field: fc.constantFrom('title', 'author', 'site', 'url', 'post_id', 'published_at', 'meta'),
        value: fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 100 }),
          fc.constantFrom('<!--'.repeat(2000), '<a'.repeat(3000), '&#x110000;&#0;', 'https://' + 'a'.repeat(2100), -1, 1e308, null, [], {}),
        ),
      })
      .map(({ field, value }) => jsonBody(`hostile ${field}`, { [field]: value })),
  },
  { weight: 1, arbitrary: fc.double({ min: 0.05, max: 0.95, noNaN: true }).map((cut) => truncated(cut)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5000 }).map((depth) => nested(depth)) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((junk) => invalidUtf8(Buffer.from(junk))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({ kind: 'random bytes', bytes: Buffer.from(bytes), event: false, key: 'k-random' })) },
);

function jsonBody(kind: string, overrides: Record<string, unknown>) {
  const event = sampleEvent('post.published', { title: `Title ${mark()}`, ...overrides });
  return { kind, bytes: Buffer.from(JSON.stringify(event)), event: Object.keys(overrides).length === 0, key: event.idempotency_key };
}
function truncated(cut: number) {
  const full = jsonBody('truncated JSON', {});
  return { ...full, kind: 'truncated JSON', bytes: full.bytes.subarray(0, Math.floor(full.bytes.length * cut)), event: false };
}
function nested(depth: number) {
  return { kind: 'deeply nested JSON', bytes: Buffer.from(`{"m":"${mark()}","a":${'['.repeat(depth)}${']'.repeat(depth)}}`), event: false, key: 'k-nested' };
}
function invalidUtf8(junk: Buffer) {
  const full = jsonBody('invalid UTF-8', {});
  const at = full.bytes.indexOf('Title') + 6;
  const bytes = Buffer.concat([full.bytes.subarray(0, at), Buffer.from([0xff, 0xc3, 0x28]), junk, full.bytes.subarray(at)]);
  return { ...full, bytes, event: false };
}

/** How the signed request is broken on the way: headers and framing. */
const damage = fc.oneof(
  { weight: 10, arbitrary: fc.constant({ kind: 'intact' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('missing headers' as const), drop: fc.subarray(['ts', 'sig', 'key', 'type'], { minLength: 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicated header' as const), which: fc.constantFrom('sig', 'ts', 'key', 'type', 'kid') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('oversized header' as const), bytes: fc.integer({ min: 8_000, max: 40_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swapped keys' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('other-body signature' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('Content-Length lie' as const), delta: fc.constantFrom(-20, -1, 1, 500, 10 ** 6) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bad chunk size' as const), size: fc.constantFrom('zz', '-1', 'fffffffffffffffff', '1;', ' 5') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('chunked over the limit' as const), chunks: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('slow sender' as const), pieces: fc.integer({ min: 2, max: 4 }), stall: fc.integer({ min: 0, max: 3 }).map((n) => n === 0) }) },
);

export const hostileCase: fc.Arbitrary<HostileCase> = fc
  .record({ signing, offset: timestampOffset, body, damage })
  .map(({ signing: s, offset, body: b, damage: d }) => ({
    kind: `${b.kind} / ${d.kind} / ${s.scheme}`,
    build: () => build(s, offset, b, d),
  }));

type DamageValue = typeof damage extends fc.Arbitrary<infer T> ? T : never;

/**
 * Builds the bytes. `validlySigned` is false only where the bytes the receiver reads cannot carry a valid
 * signature (wrong or unknown secret, stale timestamp, another body's signature, framing that changes the body);
 * `mustAccept` only where nothing at all is wrong.
 */
function build(s: Signing, offset: number, b: { kind: string; bytes: Buffer; event: boolean; key: string }, d: DamageValue): BuiltCase {
  const timestamp = Math.floor(Date.now() / 1000) + offset;
  const inWindow = Math.abs(offset) <= 250;
  // A timestamp 301-302 s ahead is outside the window when signed, but the receiver's clock moves on while the
  // request travels (seconds, on a loaded machine): either answer is right, so it neither forbids a 202 nor
  // requires one. Past offsets only grow, so those stay stale.
  const maybeInWindow = inWindow || (offset > 0 && offset <= 302);
  let signedBody = b.bytes;
  if (d.kind === 'other-body signature') signedBody = Buffer.from(JSON.stringify(sampleEvent('post.published')));
  const headerKey = d.kind === 'swapped keys' ? `${b.key}-swapped` : b.key;
  const signature = s.scheme === 'wp' ? wpSignature(s.secret, timestamp, signedBody) : standardSignature(s.secret, headerKey, timestamp, signedBody);
  const names = s.scheme === 'wp' ? { key: 'Idempotency-Key', ts: 'X-WP-Timestamp', sig: 'X-WP-Signature' } : { key: 'webhook-id', ts: 'webhook-timestamp', sig: 'webhook-signature' };
  const headers = new Map<string, string>([
    ['type', 'Content-Type: application/json'],
    ['key', `${names.key}: ${headerKey}`],
    ['ts', `${names.ts}: ${timestamp}`],
    ['sig', `${names.sig}: ${signature}`],
  ]);
  if (s.keyId !== undefined) headers.set('kid', `X-WP-Key-Id: ${s.keyId}`);
  const secrets = [signature.replace(/^v1,/, '')];
  let lines = [...headers.values()];
  let parts: (string | Buffer)[];
  // Held open until the server answers and closes, as a real sender does; only a Content-Length lie half-closes,
  // so the receiver sees the body end short of what was announced.
  let then: 'end' | 'hold' = 'hold';
  let gapMs = 0;
  let framingIntact = true;
  let headersIntact = d.kind !== 'swapped keys';
  switch (d.kind) {
    case 'missing headers':
      lines = [...headers.entries()].filter(([name]) => !d.drop.includes(name)).map(([, line]) => line);
      headersIntact = false;
      break;
    case 'duplicated header': {
      const line = headers.get(d.which) ?? 'X-WP-Key-Id: k2';
      const [name] = line.split(':');
      const forged = `${name}: ${d.which === 'sig' ? 'f'.repeat(64) : 'k-other'}`;
      secrets.push('f'.repeat(64));
      lines = [...lines, forged];
      headersIntact = false;
      break;
    }
    case 'oversized header':
      lines = [...lines, `X-Padding: ${'p'.repeat(d.bytes)}`];
      headersIntact = false;
      break;
  }
  const withLength = (length: number) => head([...lines, `Content-Length: ${length}`]);
  switch (d.kind) {
    case 'Content-Length lie':
      parts = [withLength(Math.max(0, b.bytes.length + d.delta)), b.bytes];
      then = 'end';
      framingIntact = false;
      break;
    case 'bad chunk size':
      parts = [head([...lines, 'Transfer-Encoding: chunked']), `${d.size}\r\n`, b.bytes, '\r\n0\r\n\r\n'];
      framingIntact = false;
      break;
    case 'chunked over the limit': {
      const chunk = Buffer.alloc(Math.ceil((MAX_BODY + 1) / d.chunks), 0x20);
      parts = [head([...lines, 'Transfer-Encoding: chunked']), ...Array.from({ length: d.chunks }, () => `${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`), '0\r\n\r\n'];
      framingIntact = false;
      break;
    }
    case 'slow sender': {
      const size = Math.ceil(b.bytes.length / d.pieces);
      const pieces = Array.from({ length: d.pieces }, (_, i) => b.bytes.subarray(i * size, (i + 1) * size));
      // A stalled sender stops before the end and holds the socket: the body deadline must answer it.
      parts = [withLength(b.bytes.length), ...(d.stall ? pieces.slice(0, -1) : pieces)];
      gapMs = 20;
      if (d.stall) framingIntact = false;
      break;
    }
    default:
      parts = [withLength(b.bytes.length), b.bytes];
  }
  const signatureHolds = s.validSecret && d.kind !== 'other-body signature' && framingIntact;
  const validlySigned = signatureHolds && maybeInWindow;
  return {
    kind: `${b.kind} / ${d.kind} / ${s.scheme}${s.validSecret ? '' : ' bad secret'}${inWindow ? '' : ' stale'}`,
    parts,
    gapMs,
    then,
    validlySigned,
    mustAccept: signatureHolds && inWindow && headersIntact && b.event,
    secrets,
  };
}

/** Sends one built case on its own connection and returns the first status the receiver answered (undefined: none). */
export async function sendCase(baseUrl: string, c: BuiltCase): Promise<RawAnswer> {
  return rawRequest(baseUrl, c.parts, { gapMs: c.gapMs, then: c.then, waitMs: 10_000 });
}

/** The properties of one answer; returns what is wrong with it, or undefined. */
export function violation(c: BuiltCase, answer: RawAnswer): string | undefined {
  if (answer.status === 202 && !c.validlySigned) return `202 without a valid signature (${c.kind})`;
  if (answer.status !== undefined && answer.status >= 500) return `${answer.status} with Temporal up (${c.kind}): ${answer.text.slice(0, 300)}`;
  if (c.mustAccept && answer.status !== 202) return `a valid signed event answered ${answer.status} (${c.kind}): ${answer.text.slice(0, 300)}`;
  if (answer.status === undefined) return `no answer at all (${c.kind})`;
  return undefined;
}

/** What in a captured log would be request bytes: signatures sent, body marks, parser packets, header names. */
export function leaksInLog(log: string, secrets: ReadonlySet<string>): string[] {
  const leaks: string[] = [];
  for (const token of log.match(/[0-9a-f]{64}|[A-Za-z0-9+/]{43}=/g) ?? []) if (secrets.has(token)) leaks.push(`signature ${token.slice(0, 8)}…`);
  for (const token of log.match(BODY_MARK) ?? []) leaks.push(`body bytes (${token})`);
  if (/rawPacket/.test(log)) leaks.push('rawPacket');
  if (/\[\d+,\d+,\d+,\d+/.test(log)) leaks.push('a byte array');
  if (/x-wp-signature|webhook-signature|idempotency-key:/i.test(log)) leaks.push('a header');
  return leaks;
}
