import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exitOf, isRunning, spawnLogged, stopChild } from './child-process';
import { SERVICES, type ClusterPorts, type ServiceName } from './server-config';

/** `single`: one process runs all four services (like `temporal server start-dev`); `separate`: one process each. */
export type ServiceLayout = 'single' | 'separate';

/** One Temporal server process and the services it hosts. */
interface ServiceProcess {
  readonly name: string;
  readonly services: readonly ServiceName[];
  child: ChildProcess | undefined;
}

export interface ServiceRunnerOptions {
  readonly server: string;
  readonly configFile: string;
  readonly logDir: string;
  readonly ports: ClusterPorts;
  readonly layout: ServiceLayout;
  /** Added to the server processes' environment (GOGC, GOMAXPROCS: the Go runtime's levers). */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** The Temporal service processes of one cluster, each startable, killable and restartable on its own ports. */
export class ServiceRunner {
  private readonly processes: readonly ServiceProcess[];

  constructor(private readonly options: ServiceRunnerOptions) {
    this.processes =
      options.layout === 'single'
        ? [{ name: 'server', services: SERVICES, child: undefined }]
        : SERVICES.map((service) => ({ name: service, services: [service], child: undefined }));
  }

  /** The process hosting `service` (in the single layout, the one process hosting all). */
  private processOf(service: ServiceName): ServiceProcess {
    return this.processes.find((p) => p.services.includes(service))!;
  }

  /** The OS process hosting `service`, e.g. for CPU sampling; undefined before it started. */
  child(service: ServiceName): ChildProcess | undefined {
    return this.processOf(service).child;
  }

  /** For each process that has exited, its name, exit and the end of its log; undefined while all run. */
  exitedReport(): string | undefined {
    const reports = this.processes
      .filter((p) => p.child && !isRunning(p.child))
      .map((p) => `Temporal ${p.name} exited (${p.child!.signalCode ?? p.child!.exitCode}); end of ${this.logFile(p)}:\n${this.logTail(p)}`);
    return reports.length === 0 ? undefined : reports.join('\n');
  }

  private logFile(p: ServiceProcess): string {
    return join(this.options.logDir, `${p.name}.log`);
  }

  private logTail(p: ServiceProcess): string {
    return readFileSync(this.logFile(p), 'utf8').trim().split('\n').slice(-5).map((line) => line.slice(0, 600)).join('\n');
  }

  /**
   * The first process alone, then the others together: every process writes the cluster metadata from its config on
   * start (compare-and-swap), and several doing it at once fail with "SaveClusterMetadata encountered version mismatch".
   */
  async startAll(timeoutMs: number): Promise<void> {
    const [first, ...rest] = this.processes;
    await this.startProcess(first!, timeoutMs);
    await Promise.all(rest.map((p) => this.startProcess(p, timeoutMs)));
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.child && stopChild(p.child, 'SIGTERM', 20_000)));
  }

  /** Signals the process hosting `service` and waits for it to exit (SIGKILL: a crash, SIGTERM: a graceful stop). */
  async kill(service: ServiceName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const { child } = this.processOf(service);
    if (!child || !isRunning(child)) return;
    const exited = exitOf(child);
    child.kill(signal);
    await exited;
  }

  /** Stops the process hosting `service` if it still runs, then starts it again on the same ports and database. */
  async restart(service: ServiceName, timeoutMs = 60_000): Promise<void> {
    const p = this.processOf(service);
    if (p.child) await stopChild(p.child, 'SIGTERM', 20_000);
    await this.startProcess(p, timeoutMs);
  }

  private async startProcess(p: ServiceProcess, timeoutMs: number): Promise<void> {
    const logFile = this.logFile(p);
    const args = ['--config-file', this.options.configFile, '--allow-no-auth', 'start', ...p.services.flatMap((s) => ['--service', s])];
    const child = spawnLogged(this.options.server, args, logFile, { env: { ...process.env, ...this.options.env } });
    p.child = child;
    const deadline = Date.now() + timeoutMs;
    for (const service of p.services) {
      while (!(await listening(this.options.ports.services[service].grpc))) {
        if (!isRunning(child) || Date.now() > deadline) {
          await stopChild(child);
          throw new Error(`Temporal ${service} did not start listening on 127.0.0.1:${this.options.ports.services[service].grpc}; end of ${logFile}:\n${this.logTail(p)}`);
        }
        await sleep(100);
      }
    }
  }
}
