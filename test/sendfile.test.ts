// sendfile(2), sync and awaitable, from a file to sockets on loopback, the bytes checked at the other
// end by a node:net peer (SHA-256) or read back directly.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';

import { closeAll, tcpPair, withTmpDirAsync } from './helpers.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Runs `fn` with an open file of `bytes` (and closes it after). */
async function withFile<T>(bytes: Uint8Array, fn: (fd: number) => Promise<T> | T): Promise<T> {
  return withTmpDirAsync(async (dir) => {
    const path = join(dir, 'data');
    writeFileSync(path, bytes);
    const fd = openSync(path, 'r');
    try {
      return await fn(fd);
    } finally {
      closeSync(fd);
    }
  });
}

describe('sendfile', () => {
  it('one call: from an offset (the file position left alone), then from the file position (advanced)', async () => {
    const data = randomBytes(4096);
    await withFile(data, (file) => {
      const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
      try {
        expect(s.sendfile(a, file, 1000, 100)).toBe(100);
        const buf = Buffer.alloc(8192);
        expect(buf.subarray(0, s.recv(b, buf)).equals(data.subarray(1000, 1100))).toBe(true);
        expect(s.sendfile(a, file, null, 10)).toBe(10); // from position 0
        expect(buf.subarray(0, s.recv(b, buf)).equals(data.subarray(0, 10))).toBe(true);
        const next = Buffer.alloc(5);
        readSync(file, next, 0, 5, null); // the position moved to 10
        expect(next.equals(data.subarray(10, 15))).toBe(true);
        expect(s.sendfile(a, file, data.length, 100)).toBe(0); // the end of the file
      } finally {
        closeAll(a, b);
      }
    });
  });

  it('awaited: 8 MiB over TCP to a node:net peer, every byte checked; it waits while the socket is full', async () => {
    const data = randomBytes(8 << 20);
    const server = createServer();
    const received = new Promise<{ bytes: number; digest: string }>((resolve) => {
      server.on('connection', (c) => {
        const hash = createHash('sha256');
        let bytes = 0;
        c.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          bytes += chunk.length;
        });
        c.on('end', () => {
          c.destroy();
          resolve({ bytes, digest: hash.digest('hex') });
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
    try {
      await p.connect(fd, { family: 'AF_INET', address: '127.0.0.1', port: (server.address() as AddressInfo).port });
      const sent = await withFile(data, (file) => p.sendfile(fd, file, 0, data.length));
      expect(sent).toBe(data.length);
      s.shutdown(fd, s.SHUT_WR);
      expect(await received).toEqual({ bytes: data.length, digest: sha(data) });
    } finally {
      s.close(fd);
      await new Promise((resolve) => server.close(resolve)); // once its connection has closed too
    }
  });

  it('awaited past the end of the file resolves with what the file had', async () => {
    const data = randomBytes(3000);
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      expect(await withFile(data, (file) => p.sendfile(a, file, null, 1 << 20))).toBe(data.length);
      const buf = Buffer.alloc(8192);
      expect(buf.subarray(0, s.recv(b, buf)).equals(data)).toBe(true);
    } finally {
      closeAll(a, b);
    }
  });

  it('errors as C has them; a rejection says how much was sent', async () => {
    const [a, b] = tcpPair();
    try {
      expect(() => s.sendfile(a, b, null, 10)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'sendfile' })); // in_fd a socket
      const closed = s.socket(s.AF_INET, s.SOCK_STREAM);
      s.close(closed);
      expect(() => s.sendfile(closed, b, null, 10)).toThrow(expect.objectContaining({ code: 'EBADF' }));
      expect(() => s.sendfile(a, b, -1, 10)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      expect(() => s.sendfile(a, b, null, '10' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
      await expect(p.sendfile(a, b, null, 10)).rejects.toMatchObject({ code: 'EINVAL', bytesWritten: 0 });
      await expect(p.sendfile(a, b, 'x' as never, 10)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    } finally {
      closeAll(a, b);
    }
  });

  it('close() while an awaited sendfile waits: ECANCELED, with the bytes sent so far', async () => {
    const data = randomBytes(16 << 20);
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      await withFile(data, async (file) => {
        const sending = p.sendfile(a, file, 0, data.length); // nobody reads b: it fills and waits
        await new Promise((r) => setTimeout(r, 20));
        s.close(a);
        const e = (await sending.catch((x: unknown) => x)) as { code: string; bytesWritten: number };
        expect(e).toMatchObject({ code: 'ECANCELED' });
        expect(e.bytesWritten).toBeGreaterThan(0);
        expect(e.bytesWritten).toBeLessThan(data.length);
      });
    } finally {
      closeAll(a, b);
    }
  });
});
