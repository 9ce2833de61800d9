// Peers sockfd did not write: a C client and server (compiled from test/fixtures with cc) and Python's
// socket module, both directions. The sockfd side uses the blocking sync API with SO_RCVTIMEO as a
// safety net, so a broken peer fails the test instead of hanging it.
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';

import { againOnEintr, closeAll, compileFixture, fixtures, hasPython, run, tcpListener, waitForOutput, withTmpDirAsync } from './helpers.js';

const families = [
  { name: 'AF_INET', af: s.AF_INET, arg: 'ipv4', loopback: '127.0.0.1' },
  { name: 'AF_INET6', af: s.AF_INET6, arg: 'ipv6', loopback: '::1' },
] as const;

const timeout = { sec: 10, usec: 0 };
const peer = join(fixtures, 'peer.py');

describe.each(families)('C peers over $name', ({ name, af, arg, loopback }) => {
  it('sockfd server, C client: the message and its NUL come back', async () => {
    const client = compileFixture('echo_client');
    const server = tcpListener(name);
    let conn = -1;
    try {
      const message = '你好啊服务器!\n';
      const child = run(client, [arg, String(server.port), message]);
      const accepted = againOnEintr(() => s.accept(server.fd));
      conn = accepted.fd;
      expect(accepted.addr).toMatchObject({ family: name, address: loopback });
      s.setsockopt(conn, s.SOL_SOCKET, s.SO_RCVTIMEO, timeout);
      const buf = Buffer.alloc(4096);
      const expected = Buffer.from(message + '\0');
      let got = 0;
      while (got < expected.length) got += againOnEintr(() => s.recv(conn, buf.subarray(got)));
      expect(buf.subarray(0, got).equals(expected)).toBe(true);
      expect(s.send(conn, buf, got)).toBe(got);
      const { code, stdout } = await child.done;
      expect(code).toBe(0);
      expect(stdout).toBe(`echo: ${message} (${expected.length} bytes)\n`);
    } finally {
      closeAll(conn, server.fd);
    }
  });

  it('C server, sockfd client: 1 MiB echoed back intact, the server sees our address', async () => {
    const server = run(compileFixture('echo_server'), [arg, '0']);
    const [, port] = await waitForOutput(server.child, /listening (\d+)\n/);
    const fd = s.socket(af, s.SOCK_STREAM);
    try {
      s.setsockopt(fd, s.SOL_SOCKET, s.SO_RCVTIMEO, timeout);
      s.connect(fd, { family: name, address: loopback, port: Number(port) });
      const local = s.getsockname(fd) as { port: number };
      const data = Buffer.alloc(1 << 20);
      for (let i = 0; i < data.length; i++) data[i] = (i * 7 + 3) & 0xff;
      const back = Buffer.alloc(data.length);
      let sent = 0;
      let got = 0;
      // interleave so neither side's buffers fill up: send a chunk, read what is there
      while (got < data.length) {
        if (sent < data.length) sent += s.send(fd, data.subarray(sent, Math.min(sent + 65536, data.length)));
        while (got < sent) got += againOnEintr(() => s.recv(fd, back.subarray(got, sent)));
      }
      s.shutdown(fd, s.SHUT_WR);
      expect(againOnEintr(() => s.recv(fd, back))).toBe(0);
      expect(back.equals(data)).toBe(true);
      const { code, stdout } = await server.done;
      expect(code).toBe(0);
      expect(stdout).toContain(`client ${loopback} ${local.port}\n`);
      expect(stdout).toContain(`echoed ${data.length}\n`);
    } finally {
      s.close(fd);
    }
  });
});

describe.skipIf(!hasPython)('Python socket module as the peer', () => {
  describe.each(families)('UDP over $name', ({ name, af, arg, loopback }) => {
    it('sockfd sends to a Python server and receives its reply', async () => {
      const py = run('python3', [peer, 'udp-echo-server', arg]);
      const [, port] = await waitForOutput(py.child, /port (\d+)\n/);
      const fd = s.socket(af, s.SOCK_DGRAM);
      try {
        s.setsockopt(fd, s.SOL_SOCKET, s.SO_RCVTIMEO, timeout);
        s.bind(fd, { family: name, address: loopback });
        s.sendto(fd, 'hello from sockfd', undefined, 0, { family: name, address: loopback, port: Number(port) });
        const buf = Buffer.alloc(64);
        const r = againOnEintr(() => s.recvfrom(fd, buf));
        expect(buf.toString('utf8', 0, r.bytes)).toBe('HELLO FROM SOCKFD');
        expect(r.addr).toMatchObject({ family: name, address: loopback, port: Number(port) });
        const { code, stdout } = await py.done;
        expect(code).toBe(0);
        expect(stdout).toContain(`from ${loopback} ${(s.getsockname(fd) as any).port}`);
      } finally {
        s.close(fd);
      }
    });

    it('a Python client sends to sockfd and gets the reply', async () => {
      const fd = s.socket(af, s.SOCK_DGRAM);
      try {
        s.setsockopt(fd, s.SOL_SOCKET, s.SO_RCVTIMEO, timeout);
        s.bind(fd, { family: name, address: loopback });
        const port = (s.getsockname(fd) as any).port;
        const py = run('python3', [peer, 'udp-client', arg, String(port), 'ping from python']);
        const buf = Buffer.alloc(64);
        const r = againOnEintr(() => s.recvfrom(fd, buf));
        expect(buf.toString('utf8', 0, r.bytes)).toBe('ping from python');
        s.sendto(fd, buf.subarray(0, r.bytes).reverse(), undefined, 0, r.addr);
        const { code, stdout } = await py.done;
        expect(code).toBe(0);
        expect(stdout).toBe(`reply nohtyp morf gnip ${port}\n`);
      } finally {
        s.close(fd);
      }
    });
  });

  describe('AF_UNIX', () => {
    it('stream: sockfd client, Python server', async () => {
      await withTmpDirAsync(async (dir) => {
        const path = join(dir, 'py.sock');
        const py = run('python3', [peer, 'unix-stream-server', path]);
        await waitForOutput(py.child, /listening\n/);
        const fd = s.socket(s.AF_UNIX, s.SOCK_STREAM);
        try {
          s.setsockopt(fd, s.SOL_SOCKET, s.SO_RCVTIMEO, timeout);
          s.connect(fd, { family: 'AF_UNIX', path });
          expect(s.getpeername(fd)).toEqual({ family: 'AF_UNIX', path });
          s.send(fd, 'over a unix socket');
          s.shutdown(fd, s.SHUT_WR);
          const buf = Buffer.alloc(64);
          let got = 0;
          for (let n; (n = againOnEintr(() => s.recv(fd, buf.subarray(got)))) > 0; ) got += n;
          expect(buf.toString('utf8', 0, got)).toBe('over a unix socket');
          const { code, stdout } = await py.done;
          expect(code).toBe(0);
          expect(stdout).toContain('echoed 18');
        } finally {
          s.close(fd);
        }
      });
    });

    it('stream: sockfd server, Python client', async () => {
      await withTmpDirAsync(async (dir) => {
        const path = join(dir, 'sockfd.sock');
        const server = s.socket(s.AF_UNIX, s.SOCK_STREAM);
        let conn = -1;
        try {
          s.bind(server, { family: 'AF_UNIX', path });
          s.listen(server, 1);
          const py = run('python3', [peer, 'unix-stream-client', path, 'echo me']);
          conn = againOnEintr(() => s.accept(server)).fd;
          s.setsockopt(conn, s.SOL_SOCKET, s.SO_RCVTIMEO, timeout);
          const buf = Buffer.alloc(64);
          let got = 0;
          for (let n; (n = againOnEintr(() => s.recv(conn, buf.subarray(got)))) > 0; ) got += n;
          s.send(conn, buf, got);
          s.close(conn);
          conn = -1;
          const { code, stdout } = await py.done;
          expect(code).toBe(0);
          expect(stdout).toBe('echo echo me\n');
        } finally {
          closeAll(conn, server);
        }
      });
    });

    it('datagram: both bound to paths, the sender path comes through both ways', async () => {
      await withTmpDirAsync(async (dir) => {
        const mine = join(dir, 'sockfd.dgram');
        const theirs = join(dir, 'py.dgram');
        const fd = s.socket(s.AF_UNIX, s.SOCK_DGRAM);
        try {
          s.setsockopt(fd, s.SOL_SOCKET, s.SO_RCVTIMEO, timeout);
          s.bind(fd, { family: 'AF_UNIX', path: mine });
          const py = run('python3', [peer, 'unix-dgram', theirs, mine, 'datagram from python']);
          const buf = Buffer.alloc(64);
          const r = againOnEintr(() => s.recvfrom(fd, buf));
          expect(buf.toString('utf8', 0, r.bytes)).toBe('datagram from python');
          expect(r.addr).toEqual({ family: 'AF_UNIX', path: theirs });
          s.sendto(fd, 'ok', undefined, 0, r.addr);
          const { code, stdout } = await py.done;
          expect(code).toBe(0);
          expect(stdout).toBe(`reply ok ${mine}\n`);
        } finally {
          s.close(fd);
        }
      });
    });
  });
});
