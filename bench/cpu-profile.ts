import { readFileSync } from 'node:fs';


interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: number[];
}

interface Profile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

function owner(url: string, functionName: string): string {
  if (url === '') return functionName === '(garbage collector)' ? '(gc)' : functionName || '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url.split('/')[0]!.replace(/^node:internal.*/, 'node:internal');
  const project = /\/(src|bench|activities|workflows|test)\/(.*)$/.exec(url);
  return project ? `${project[1]}/${project[2]}` : url;
}

/**
 * Summarises a `.cpuprofile` (from `node --cpu-prof`, as `--profile` writes them, or bench/cpu-profile-preload.cjs)
 * by where the self time went: per package (or project file), the top functions, and the inclusive time of a few
 * names (a function name, a package or a project file): time spent in them or anything they called synchronously.
 * Time after an `await` is charged to whoever resumed it (an I/O callback), not to the function that awaited.
 */
export function summarizeProfile(file: string, inclusive: readonly string[], top = 25): string[] {
  const out: string[] = [];
  const print = (line: string) => out.push(line);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;

  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, time] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    const who = owner(url, functionName);
    byOwner.set(who, (byOwner.get(who) ?? 0) + time);
    const fn = `${functionName || '(anonymous)'} ${who}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + time);
  }
  const pct = (t: number) => `${((t / busy) * 100).toFixed(1).padStart(5)} %`;
  print(`${file}\n  busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s profiled`);
  print('  self time by package / file:');
  for (const [who, t] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 20)) print(`    ${pct(t)}  ${who}`);
  print('  top functions (self):');
  for (const [fn, t] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) print(`    ${pct(t)}  ${fn}`);
  if (inclusive.length === 0) return out;

  // Walk the call tree from the root, carrying which of the names are on the current stack.
  const within = new Map(inclusive.map((name) => [name, 0]));
  const root = profile.nodes[0]!;
  const walk = (node: ProfileNode, onStack: ReadonlySet<string>) => {
    const { functionName, url } = node.callFrame;
    const here = new Set(onStack);
    for (const name of inclusive) if (functionName === name || owner(url, functionName) === name) here.add(name);
    const time = functionName === '(idle)' ? 0 : (self.get(node.id) ?? 0);
    for (const name of here) within.set(name, within.get(name)! + time);
    for (const child of node.children ?? []) walk(byId.get(child)!, here);
  };
  walk(root, new Set());
  print('  inclusive:');
  for (const [name, t] of within) print(`    ${pct(t)}  ${name}`);
  return out;
}
