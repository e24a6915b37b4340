import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const README = join(__dirname, '..', '..', 'README.md');

/**
 * The numbered steps of the README's section `title`, each as one line (its wrapped lines joined), so a test can
 * follow them as written and a README edit that breaks a step breaks the test.
 */
export function readmeSteps(title: string): string[] {
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no section "## ${title}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const steps: string[] = [];
  let inList = false;
  for (const line of readme.slice(start, end < 0 ? undefined : end).split('\n')) {
    const step = /^\d+\. (.*)$/.exec(line);
    const continued: boolean = inList && /^\s+\S/.test(line);
    if (step) steps.push(step[1]!.trim());
    else if (continued) steps[steps.length - 1] += ` ${line.trim()}`;
    inList = step !== null || continued;
  }
  return steps;
}

/** The inline code of a step: commands, settings, names and values, in order. */
export function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** What a step puts in italics (`*Users → Profile*`): the screens, fields and buttons it names, in order. */
export function italics(text: string): string[] {
  return [...text.matchAll(/(?<![*\w])\*([^*\s][^*]*?)\*(?![*\w])/g)].map((m) => m[1]!);
}

/** An environment variable's name, as the steps write them (`WP_BASE_URL`). */
export function isVariableName(text: string): boolean {
  return /^[A-Z][A-Z0-9_]+$/.test(text);
}
