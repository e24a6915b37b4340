import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A process listening on a port, as far as this user may see it. */
export interface PortHolder {
  readonly pid: number;
  readonly command: string;
}

/**
 * Who listens on `port`, read from Linux's /proc (the listening socket's inode, then the process holding it);
 * undefined elsewhere, or when the holder belongs to another user.
 */
export function findPortHolder(port: number): PortHolder | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; the inode is the tenth field.
      if (fields[3] === '0A' && Number.parseInt(fields[1]?.split(':')[1] ?? '', 16) === port && fields[9]) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    for (const fd of safeReaddir(`/proc/${entry}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined && inodes.has(inode)) return { pid: Number(entry), command: commandLine(Number(entry)) };
    }
  }
  return undefined;
}

/** The process's command line, shortened for a one-line message. */
export function commandLine(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const text = args.join(' ');
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return '?';
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
