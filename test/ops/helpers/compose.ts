import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './cli';
import { composeConfigBinary } from './deploy-tools';

const exec = promisify(execFile);

/** One service as `docker compose config --format json` prints it (normalised: the long syntax everywhere). */
export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment?: Record<string, string | null>;
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  ports?: { host_ip?: string; target: number; published: string }[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
  stop_grace_period?: string;
}

export interface ComposeProject {
  services: Record<string, ComposeService>;
}

/**
 * docker-compose.yml rendered by Compose's own loader (deploy/check/compose-config), interpolated from exactly the
 * environment given: by default none, as on a machine where nothing was exported yet.
 */
export async function renderCompose(env: Record<string, string> = {}): Promise<ComposeProject> {
  const { stdout } = await exec(await composeConfigBinary(), [join(ROOT, 'docker-compose.yml')], { cwd: ROOT, env, maxBuffer: 16 << 20 });
  return JSON.parse(stdout) as ComposeProject;
}

/** A service's environment with unset values as empty strings, as the container sees them. */
export function serviceEnvironment(project: ComposeProject, name: string): Record<string, string> {
  const service = project.services[name];
  if (!service) throw new Error(`docker-compose.yml has no service ${name}`);
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, v ?? '']));
}
