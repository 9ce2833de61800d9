// The README's main command: `npm run demo` runs seed 001's echo server and client in TypeScript.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { describe, expect, it } from 'vitest';

const dist = dirname(createRequire(import.meta.url).resolve('sockfd'));

describe('examples', () => {
  it('the demo: the TS client gets its greeting back from the TS server', () => {
    const out = execFileSync(process.execPath, [join(dist, 'examples', 'demo.js')], { encoding: 'utf8', timeout: 15_000 });
    expect(out).toMatch(/\[server\] listening on port \d+\n/);
    expect(out).toMatch(/You got a connection from client's ip 127\.0\.0\.1, port \d+ at time \d+\.\d+/);
    expect(out).toContain('[client] server message: 你好啊服务器!\n \n');
  });
});

describe('the async echo example (README)', () => {
  it('serves its clients concurrently and every greeting comes back', () => {
    const out = execFileSync(process.execPath, [join(dist, 'examples', 'echo_async.js'), '5'], { encoding: 'utf8', timeout: 15_000 });
    expect(out).toMatch(/^listening on 127\.0\.0\.1:\d+\n/);
    expect(out.match(/connection from \{"family":"AF_INET","address":"127\.0\.0\.1","port":\d+\}/g)).toHaveLength(5);
    for (let i = 1; i <= 5; i++) expect(out).toContain(`echoed: 你好啊服务器! from client ${i}\n`);
  });
});
