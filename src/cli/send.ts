import { parseArgs } from 'node:util';
import { isEventName, eventSchemas } from '../../contract/events';
import { sampleEvent } from '../webhooks/sample-events';
import { signedHeaders } from '../../contract/sign';
import { loadConfig } from '../config/config';
import { CliError, UsageError } from './errors';

export const usage =
  'wp-ai-relay send <event> [field=value ...] [--key KEY] [--url http://host:port] [--scheme wp|standard] [--key-id ID]\n' +
  '  --key KEY   the idempotency key (a fresh one per call by default); send the same key twice to see a duplicate';

/**
 * Builds a well-formed event, overrides fields from `field=value` (values are read as JSON when they parse, so
 * `post_id=7` is a number and `meta={"tags":[]}` an object), signs it with the configured secret and POSTs it.
 * Exits 0 on 2xx, 1 otherwise, so scripts can tell.
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      scheme: { type: 'string', default: 'wp' },
      'key-id': { type: 'string' },
      key: { type: 'string' },
    },
  });
  const [name, ...fields] = positionals;
  if (!isEventName(name)) {
    throw new UsageError(`unknown or missing event; one of ${Object.keys(eventSchemas).join(', ')}`, usage);
  }
  if (values.scheme !== 'wp' && values.scheme !== 'standard') throw new UsageError('--scheme is wp or standard', usage);

  const config = loadConfig();
  const secret = pickSecret(config.webhook.secrets, values['key-id']);
  if (values.key !== undefined && values.key.trim() === '') throw new UsageError('--key needs a value', usage);
  const event = sampleEvent(name, {
    ...Object.fromEntries(fields.map(parseField)),
    ...(values.key === undefined ? {} : { idempotency_key: values.key }),
  });
  const body = JSON.stringify(event);
  const headers = signedHeaders({
    secret: secret.key,
    body,
    idempotencyKey: String(event.idempotency_key),
    keyId: secret.keyId,
    scheme: values.scheme,
  });
  const url = `${(values.url ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, '')}/webhooks/wp`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new CliError(`cannot POST to ${url}: ${(error as Error).cause ?? (error as Error).message}; is the receiver running? (--url)`);
  }
  console.log(`${response.status} ${response.statusText}`);
  console.log(await response.text());
  return response.ok ? 0 : 1;
}

function pickSecret<T extends { keyId: string | undefined }>(secrets: readonly T[], keyId: string | undefined): T {
  if (secrets.length === 0) {
    throw new CliError('no signing secret: set WP_RELAY_SECRET (or WP_RELAY_SECRETS) to the secret the receiver expects');
  }
  const secret = keyId === undefined ? secrets[0] : secrets.find((s) => s.keyId === keyId);
  if (secret === undefined) {
    const known = secrets.map((s) => s.keyId).filter(Boolean);
    throw new CliError(`no secret with key id "${keyId}" in WP_RELAY_SECRETS (known: ${known.join(', ') || 'none'})`);
  }
  return secret;
}

function parseField(field: string): [string, unknown] {
  const eq = field.indexOf('=');
  if (eq <= 0) throw new UsageError(`"${field}" is not field=value`, usage);
  const raw = field.slice(eq + 1);
  try {
    return [field.slice(0, eq), JSON.parse(raw)];
  } catch {
    return [field.slice(0, eq), raw];
  }
}
