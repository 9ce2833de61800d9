// Runs the argument fuzzer (test/fuzz/args.mjs) in a child process: a crash there fails this test
// instead of killing the suite. `npm run test:fuzz` runs more cases; SOCKFD_FUZZ_CASES sets this count.
import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

const cases = Number(process.env.SOCKFD_FUZZ_CASES ?? 20_000);

describe('argument fuzzing (fast-check)', () => {
  it(`${cases.toLocaleString('en')} random calls of every export and Socket method: each returns or throws a clear error`, () => {
    const run = spawnSync('bash', ['test/fuzz/run.sh', '--cases', String(cases)], {
      encoding: 'utf8',
      env: { ...process.env, NODE: process.execPath },
      timeout: 600_000,
    });
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(summary.cases).toBeGreaterThanOrEqual(cases);
    // each kind of outcome happened, so the generators reach past argument checking into the kernel
    for (const kind of ['returned', 'ERR_INVALID_ARG_TYPE', 'ERR_OUT_OF_RANGE', 'errno EBADF', 'errno ENOTSOCK', 'AbortError', 'waited, then closed', 'getter error']) {
      expect(summary.outcomes[kind], kind).toBeGreaterThan(0);
    }
  }, 600_000);
});
