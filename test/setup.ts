// Every test must leave the fd table as it found it. Inside a worker_thread (the "worker" project) the
// fd table is shared with vitest's own threads, which open files meanwhile, so there only sockets count.
import { isMainThread } from 'node:worker_threads';

import { afterEach, beforeEach, expect } from 'vitest';

import { native } from '../dist/binding.js';
import { openFds } from './helpers.js';

let before: Map<number, string>;

const counted = ([, target]: [number, string]) => isMainThread || target.startsWith('socket:');

beforeEach(() => {
  before = openFds();
});

afterEach(() => {
  // The readiness engine's own fds, made at the first wait, live as long as the environment.
  const engine = new Set(native.engineStats().fds);
  const leaked = [...openFds()].filter(counted).filter(([fd, target]) => before.get(fd) !== target && !engine.has(fd));
  expect(leaked, 'fds opened by the test and not closed').toEqual([]);
});
