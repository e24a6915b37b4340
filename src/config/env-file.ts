import { existsSync } from 'node:fs';

/**
 * Loads `.env` from the working directory into the environment, before anything reads it (imported first by the
 * entry points). Variables already set win, so a shell's or a service manager's settings override the file.
 * `.env.example` documents every variable.
 */
if (existsSync('.env')) {
  const before = { ...process.env };
  process.loadEnvFile('.env');
  Object.assign(process.env, before);
}
