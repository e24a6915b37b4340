import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Postgres } from './postgres';
import { TEMPORAL_SERVER_MODULE, TEMPORAL_SERVER_VERSION } from './server-binaries';

const run = promisify(execFile);

/** Temporal's two stores, each a database of its own, as in Temporal's docker-compose and Helm chart. */
export const DATABASES = { default: 'temporal', visibility: 'temporal_visibility' } as const;

/** The schema files as the module ships them; `go install` leaves the module in GOMODCACHE. */
async function moduleSchemaRoot(): Promise<string | undefined> {
  try {
    const { stdout } = await run('go', ['env', 'GOMODCACHE']);
    const root = join(stdout.trim(), `${TEMPORAL_SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
    return existsSync(root) ? root : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates both databases if missing and brings their schemas to the server's version with the sql tool: from the
 * module's `schema/postgresql/v12/{temporal,visibility}/versioned` when Go's module cache has it, else from the
 * same files embedded in the sql tool (pre-built binaries on a machine without Go). Safe to run on every start:
 * a schema already at the latest version is left as it is, which is also how an upgrade runs.
 */
export async function setUpSchemas(sqlTool: string, postgres: Postgres): Promise<void> {
  const existing = new Set((await postgres.query('SELECT datname FROM pg_database')).split('\n'));
  const root = await moduleSchemaRoot();
  const env = { PATH: process.env.PATH ?? '', SQL_PASSWORD: postgres.password };
  const connection = ['--ep', '127.0.0.1', '-p', String(postgres.port), '-u', postgres.user, '--pl', 'postgres12'];
  for (const [store, database] of Object.entries(DATABASES)) {
    const sql = async (...args: string[]) => {
      try {
        await run(sqlTool, [...connection, '--db', database, ...args], { env });
      } catch (error) {
        const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`.trim();
        throw new Error(`temporal sql tool \`${args[0]}\` failed on database ${database}:\n${output.split('\n').slice(-5).join('\n')}`);
      }
    };
    const schema = store === 'default' ? 'temporal' : 'visibility';
    if (!existing.has(database)) await sql('create-database');
    await sql('setup-schema', '-v', '0.0');
    await sql('update-schema', ...(root ? ['-d', join(root, schema, 'versioned')] : ['--schema-name', `postgresql/v12/${schema}`]));
  }
}
