import { homedir } from 'node:os';
import { relative } from 'node:path';

/** A path as a person reads it: relative when inside the working directory, `~/...` under home, else absolute. */
export function displayPath(path: string, cwd = process.cwd(), home = homedir()): string {
  const inside = relative(cwd, path);
  if (inside !== '' && !inside.startsWith('..')) return inside;
  const underHome = relative(home, path);
  if (home !== '' && underHome !== '' && !underHome.startsWith('..')) return `~/${underHome}`;
  return path;
}
