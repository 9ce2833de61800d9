// Every test must leave the fd table as it found it.
import { afterEach, beforeEach, expect } from 'vitest';

import { openFds } from './helpers.js';

let before: Map<number, string>;

beforeEach(() => {
  before = openFds();
});

afterEach(() => {
  const leaked = [...openFds()].filter(([fd, target]) => before.get(fd) !== target);
  expect(leaked, 'fds opened by the test and not closed').toEqual([]);
});
