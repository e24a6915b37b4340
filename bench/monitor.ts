import { cpuSeconds, machineBusySeconds, processTree, rssMbOf } from '../tools/proc-stats';

export interface MonitorResult {
  /** Share of one core each process used during the window (100 = one core busy), plus `other`: everything else on the machine. */
  readonly cpu_pct: Record<string, number>;
  /** Highest resident memory seen during the window, MB. */
  readonly rss_mb: Record<string, number>;
}

const RSS_SAMPLE_MS = 200;

/**
 * Watches named processes over a window: CPU by difference of counters, RSS by sampling. The benchmark process
 * itself is counted alone as `bench`, and its child processes not named in `pids` together as `wordpress` (that
 * is all they are: php -S and MariaDB), so `other` is the load of other users of the machine.
 */
export function startMonitor(pids: Readonly<Record<string, number | undefined>>, memoryOf: readonly string[]) {
  const named = Object.entries(pids).filter((entry): entry is [string, number] => entry[1] !== undefined);
  const inNamedTrees = new Set(named.flatMap(([, pid]) => processTree(pid)));
  const wordpress = processTree(process.pid).filter((pid) => pid !== process.pid && !inNamedTrees.has(pid));
  const trees = named.map(([name, pid]): [string, number[]] => [name, processTree(pid)]);
  // A service started inside another (the embedded dev server inside `npm start`) counts as itself, not twice.
  const own = (tree: number[]) => {
    const nested = new Set(trees.filter(([, other]) => other[0] !== tree[0] && tree.includes(other[0]!)).flatMap(([, other]) => other));
    return tree.filter((pid) => !nested.has(pid));
  };
  const watched: [string, number[]][] = [...trees.map(([name, tree]): [string, number[]] => [name, own(tree)]), ['wordpress', wordpress]];
  const started = performance.now();
  const machine0 = machineBusySeconds();
  const self0 = cpuSeconds(process.pid, { tree: false });
  const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid, { tree: false }), 0);
  const cpu0 = new Map(watched.map(([name, pids]) => [name, cpuOf(pids)]));
  const rss = new Map<string, number>();
  // Memory likewise: `npm start`'s relay is its receiver alone, not the worker and dev server it started.
  const sample = () => {
    for (const [name, pids] of watched) {
      if (memoryOf.includes(name)) rss.set(name, Math.max(rss.get(name) ?? 0, rssMbOf(pids)));
    }
  };
  sample();
  const timer = setInterval(sample, RSS_SAMPLE_MS);

  return {
    stop(): MonitorResult {
      clearInterval(timer);
      sample();
      const seconds = (performance.now() - started) / 1000;
      const pct = (cpu: number) => Math.round((cpu / seconds) * 100);
      const cpu: Record<string, number> = {};
      let ours = cpuSeconds(process.pid, { tree: false }) - self0;
      cpu.bench = pct(ours);
      for (const [name, pids] of watched) {
        const used = cpuOf(pids) - (cpu0.get(name) ?? 0);
        ours += used;
        cpu[name] = pct(used);
      }
      cpu.other = Math.max(0, pct(machineBusySeconds() - machine0 - ours));
      const memory: Record<string, number> = {};
      for (const [name, mb] of rss) memory[name] = Math.round(mb);
      return { cpu_pct: cpu, rss_mb: memory };
    },
  };
}
