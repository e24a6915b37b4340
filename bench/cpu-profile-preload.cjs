// Profiles the process it is preloaded into, for services whose command line the bench does not own
// (`--cpu-prof` is refused in NODE_OPTIONS, `--require` is not):
//   npm run bench -- --receiver-env NODE_OPTIONS="--require ./bench/cpu-profile-preload.cjs" --receiver-env CPU_PROFILE_DIR=/tmp/prof
// CPU_PROFILE_DELAY_MS (default 0) leaves start-up (module loading) out of the profile.
// Plain JavaScript because it runs before the TypeScript loader. The profile is written when the process exits.
'use strict';
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  setTimeout(() => session.post('Profiler.start'), Number(process.env.CPU_PROFILE_DELAY_MS ?? 0)).unref();
  const write = () => {
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  // session.post is synchronous for an in-process session, so the file is written before exit completes.
  process.once('exit', write);
}
