// The README's main command: `npm run demo` runs seed 001's echo server and client in TypeScript.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';

import { waitForOutput, withTmpDirAsync } from './helpers.js';

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

describe('the raw-socket ping example', () => {
  const ping = join(dist, 'examples', 'ping.js');
  let privileged = true;
  try {
    s.close(s.socket(s.AF_INET, s.SOCK_RAW, s.IPPROTO_ICMP));
  } catch {
    privileged = false;
  }
  const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;

  it.runIf(privileged)('pings 127.0.0.1 with hand-built ICMP echo requests, and the kernel answers each', () => {
    const out = execFileSync(process.execPath, [ping, '127.0.0.1', '3'], { encoding: 'utf8', timeout: 15_000 });
    expect(out).toMatch(/^PING 127\.0\.0\.1 \(127\.0\.0\.1\) 56\(84\) bytes of data\.\n/);
    // a reply at all proves the checksum: the kernel drops requests whose checksum is wrong
    expect(out.match(/^64 bytes from 127\.0\.0\.1: icmp_seq=\d ttl=64 time=[\d.]+ ms$/gm)).toHaveLength(3);
    expect(out).toContain('3 packets transmitted, 3 received');
  });

  it.runIf(hasSetpriv)('without CAP_NET_RAW, socket() fails with a clear EPERM', () => {
    const r = spawnSync('setpriv', ['--bounding-set', '-net_raw', '--inh-caps', '-net_raw', process.execPath, ping], { encoding: 'utf8', timeout: 15_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('ping: socket EPERM: operation not permitted: raw sockets need CAP_NET_RAW (run as root)\n');
  });
});

describe('the SO_REUSEPORT example', () => {
  it('three processes listen on one port and each serves some of the connections', () => {
    const out = execFileSync(process.execPath, [join(dist, 'examples', 'reuseport.js'), '3', '60'], { encoding: 'utf8', timeout: 15_000 });
    expect(out).toMatch(/^port \d+: 60 connections over 3 workers\n/);
    const served = [...out.matchAll(/^worker \d+ served (\d+)$/gm)].map((m) => Number(m[1]));
    expect(served).toHaveLength(3);
    expect(served.reduce((a, b) => a + b)).toBe(60);
  });
});

describe('the fd-passing example (README)', () => {
  it('passes a socket over SCM_RIGHTS, and the passed fd writes to the same socket', () => {
    const out = execFileSync(process.execPath, [join(dist, 'examples', 'fd_passing.js')], { encoding: 'utf8', timeout: 15_000 });
    expect(out).toMatch(/^received "here is a socket" and fd (\d+) \(sent fd (?!\1)\d+\)\n/);
    expect(out).toContain('the other end read: written through the passed fd\n');
    expect(out).toContain('recvFds: "again" with 1 fd\n');
  });
});

describe('the ioctl example: what the kernel holds for a TCP connection', () => {
  it('every byte written is either unsent (SIOCOUTQNSD), waiting to be read (FIONREAD) or read', () => {
    const out = execFileSync(process.execPath, [join(dist, 'examples', 'queued.js'), '131072'], { encoding: 'utf8', timeout: 15_000 });
    const written = Number(/^send: EAGAIN after (\d+) bytes$/m.exec(out)![1]);
    expect(written).toBeGreaterThan(131072);
    let lines = 0;
    for (const m of out.matchAll(/^(sent|read) (\d+) +sender SIOCOUTQ +(\d+) +SIOCOUTQNSD +(\d+) +receiver FIONREAD +(\d+)$/gm)) {
      const [, what, n, , unsent, queued] = m.map((x, i) => (i === 1 ? x : Number(x))) as [string, string, number, number, number, number];
      const read = what === 'read' ? n : 0;
      const sent = what === 'sent' ? n : written;
      expect(sent - unsent, m[0]).toBe(queued + read); // loopback delivers what TCP sent at once
      lines++;
    }
    expect(lines).toBeGreaterThan(2);
  });
});

describe('the sendfile file server', () => {
  it('sends the whole file to each of three concurrent clients, bytes checked', async () => {
    await withTmpDirAsync(async (dir) => {
      const data = randomBytes(3 << 20);
      const path = join(dir, 'file.bin');
      writeFileSync(path, data);
      const server = spawn(process.execPath, [join(dist, 'examples', 'sendfile_server.js'), path, '0', '3'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const closed = once(server, 'close'); // it exits once the third client has its file
      const [, port] = await waitForOutput(server, /on port (\d+)\n/);
      server.stdout!.resume(); // its later lines are not needed
      const fetch = () =>
        new Promise<Buffer>((resolve, reject) => {
          const chunks: Buffer[] = [];
          const socket = connect(Number(port), '127.0.0.1');
          socket.on('data', (d: Buffer) => chunks.push(d)).on('error', reject).on('end', () => {
            socket.destroy();
            resolve(Buffer.concat(chunks));
          });
        });
      const got = await Promise.all([fetch(), fetch(), fetch()]);
      for (const g of got) expect(g.equals(data)).toBe(true);
      const [code] = await closed;
      expect(code).toBe(0);
    });
  });
});
