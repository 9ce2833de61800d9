import { defineConfig } from 'vitest/config';

// Two runs of the suite: every file in its own child process, then the async suites again inside
// worker_threads (the addon must behave the same in a Worker, with its own event loop). The second
// group starts when the first has finished, one file at a time, so the fd-leak check of test/setup.ts
// sees only the running test's fds.
const asyncSuites = ['test/promises.test.ts', 'test/socket-class.test.ts', 'test/msg.test.ts', 'test/poll.test.ts'];

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: { name: 'process', include: ['test/**/*.test.ts'], pool: 'forks', sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'worker', include: asyncSuites, pool: 'threads', fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
