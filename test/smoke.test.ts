// A quick end-to-end pass, also run against the cmake-js build (SOCKFD_ADDON=build-cmake/...): the
// addon loads from where it was asked to, and a TCP round trip, an error and a bad argument all work.
import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import { addonPath } from '../dist/binding.js';

describe('smoke', () => {
  it('loads the addon that was asked for', () => {
    expect(addonPath.endsWith(process.env.SOCKFD_ADDON ?? 'build/Release/sockfd.node')).toBe(true);
  });

  it('TCP echo on loopback, with the seed\'s calls', () => {
    const server = s.socket(s.AF_INET, s.SOCK_STREAM);
    s.setsockopt(server, s.SOL_SOCKET, s.SO_REUSEADDR, 1);
    s.bind(server, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
    s.listen(server, 1);
    const client = s.socket(s.AF_INET, s.SOCK_STREAM);
    s.connect(client, s.getsockname(server)!);
    const { fd: conn, addr } = s.accept(server);
    try {
      expect(addr).toEqual(s.getsockname(client));
      s.send(client, 'hello');
      const buf = Buffer.alloc(8);
      const n = s.recv(conn, buf);
      s.send(conn, buf, n);
      expect(s.recv(client, buf)).toBe(5);
      expect(buf.toString('utf8', 0, 5)).toBe('hello');
    } finally {
      for (const fd of [conn, client, server]) s.close(fd);
    }
  });

  it('errors: a syscall error and an argument error', () => {
    expect(() => s.close(1_000_000)).toThrow(expect.objectContaining({ code: 'EBADF', errno: s.EBADF, syscall: 'close' }));
    expect(() => s.socket('AF_INET' as any, 1)).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
