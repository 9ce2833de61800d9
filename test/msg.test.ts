// sendmsg/recvmsg with scatter/gather and control messages (SCM_RIGHTS, SCM_CREDENTIALS, IP_PKTINFO,
// IPV6_PKTINFO, SO_TIMESTAMP(NS), raw ones), sendFds/recvFds, sendmmsg/recvmmsg, SOCK_SEQPACKET, and the
// bad inputs and odd layouts none of them may crash on.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';

import { closeAll, compileFixture, fdFlags, hasPython, isOpen, O_CLOEXEC, openFds, settledWithin, udpSocket, withTmpDir } from './helpers.js';

const text = (buf: Uint8Array, n = buf.length) => Buffer.from(buf.buffer, buf.byteOffset, n).toString();

function dgramPair(): [number, number] {
  return s.socketpair(s.AF_UNIX, s.SOCK_DGRAM);
}

/** Writes `message` into fd and reads it back from `peer`: proof that fd is a working socket end. */
function roundTrip(fd: number, peer: number, message: string): string {
  s.send(fd, message);
  const buf = Buffer.alloc(100);
  return buf.toString('utf8', 0, s.recv(peer, buf));
}

describe('sendmsg / recvmsg', () => {
  it('gathers and scatters over several buffers, in order', () => {
    const [a, b] = dgramPair();
    try {
      expect(s.sendmsg(a, { iov: ['scat', Buffer.from('ter/'), new Uint16Array([0x6167, 0x6874]), 'er'] })).toBe(14);
      const parts = [Buffer.alloc(3), new Uint8Array(5), Buffer.alloc(20)];
      const r = s.recvmsg(b, { iov: parts });
      expect(r).toEqual({ bytes: 14, addr: null, flags: 0, control: [] });
      expect([text(parts[0]!), text(parts[1]!), text(parts[2]!, 6)]).toEqual(['sca', 'tter/', 'gather']);
      // the bare forms: iov alone, one buffer or an array
      s.sendmsg(a, 'bare');
      const buf = Buffer.alloc(8);
      expect(s.recvmsg(b, buf).bytes).toBe(4);
      s.sendmsg(a, ['x', 'y']);
      expect(s.recvmsg(b, [buf]).bytes).toBe(2);
    } finally {
      closeAll(a, b);
    }
  });

  it('sends to msg.addr and reports the sender; MSG_TRUNC marks a datagram cut short', () => {
    const x = udpSocket('AF_INET', '127.0.0.1');
    const y = udpSocket('AF_INET', '127.0.0.1');
    try {
      expect(s.sendmsg(x.fd, { iov: 'a datagram of 26 bytes....', addr: y.addr })).toBe(26);
      const small = Buffer.alloc(10);
      const r = s.recvmsg(y.fd, { iov: small });
      expect(r.bytes).toBe(10);
      expect(r.flags & s.MSG_TRUNC).toBe(s.MSG_TRUNC);
      expect(r.addr).toEqual(x.addr);
      // MSG_TRUNC as a flag: the datagram's real length
      s.sendmsg(x.fd, { iov: 'y'.repeat(40), addr: y.addr });
      expect(s.recvmsg(y.fd, small, s.MSG_TRUNC).bytes).toBe(40);
      // a failed sendmsg names its address, as sendto does
      expect(() => s.sendmsg(x.fd, { iov: 'x', addr: { family: 'AF_INET6', address: '::1', port: 9 } })).toThrow(
        expect.objectContaining({ code: 'EAFNOSUPPORT', syscall: 'sendmsg', address: '::1', port: 9 }),
      );
    } finally {
      closeAll(x.fd, y.fd);
    }
  });

  it('passes fds with SCM_RIGHTS: received ones are new, close-on-exec and usable', () => {
    const [a, b] = dgramPair();
    const [x, y] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    const received: number[] = [];
    try {
      s.sendmsg(a, { iov: 'two fds', control: [{ level: s.SOL_SOCKET, type: s.SCM_RIGHTS, fds: [x, y] }] });
      const r = s.recvmsg(b, { iov: Buffer.alloc(16), controlLength: s.CMSG_SPACE(8) });
      expect(r.flags).toBe(0); // MSG_CMSG_CLOEXEC, which sockfd adds, is not reported back
      expect(r.control).toHaveLength(1);
      const [cmsg] = r.control;
      expect(cmsg).toMatchObject({ level: s.SOL_SOCKET, type: s.SCM_RIGHTS });
      expect(cmsg!.data).toHaveLength(8);
      received.push(...cmsg!.fds!);
      expect(received).toHaveLength(2);
      for (const fd of received) {
        expect([x, y]).not.toContain(fd);
        expect(fdFlags(fd) & O_CLOEXEC).toBe(O_CLOEXEC);
      }
      // the passed ends are the same sockets: write through one, read from the original other end
      expect(roundTrip(received[0]!, y, 'through the passed fd')).toBe('through the passed fd');
      expect(roundTrip(x, received[1]!, 'and back')).toBe('and back');
    } finally {
      closeAll(a, b, x, y, ...received);
    }
  });

  it('fds that do not fit are closed by the kernel: MSG_CTRUNC, and nothing leaks', () => {
    const [a, b] = dgramPair();
    const before = openFds().size;
    try {
      s.sendFds(a, 'three', [a, a, a]);
      const r = s.recvFds(b, Buffer.alloc(8), 1);
      expect(r.fds).toHaveLength(1);
      expect(r.flags & s.MSG_CTRUNC).toBe(s.MSG_CTRUNC);
      s.close(r.fds[0]!);
      expect(openFds().size).toBe(before);
      // plain recv() on a message with fds: the kernel drops them too
      s.sendFds(a, 'dropped', [a, b]);
      expect(s.recv(b, Buffer.alloc(8))).toBe(7);
      expect(openFds().size).toBe(before);
    } finally {
      closeAll(a, b);
    }
  });

  it('SCM_CREDENTIALS: received with SO_PASSCRED, and sent explicitly', () => {
    const [a, b] = dgramPair();
    try {
      s.setsockopt(b, s.SOL_SOCKET, s.SO_PASSCRED, 1);
      s.sendmsg(a, 'who');
      const uid = process.getuid!();
      const gid = process.getgid!();
      const implicit = s.recvmsg(b, { iov: Buffer.alloc(4), controlLength: 64 });
      expect(implicit.control).toEqual([
        expect.objectContaining({ level: s.SOL_SOCKET, type: s.SCM_CREDENTIALS, cred: { pid: process.pid, uid, gid } }),
      ]);
      const cred = { pid: process.pid, uid, gid };
      s.sendmsg(a, { iov: 'me', control: [{ level: s.SOL_SOCKET, type: s.SCM_CREDENTIALS, cred }] });
      expect(s.recvmsg(b, { iov: Buffer.alloc(4), controlLength: 64 }).control[0]!.cred).toEqual(cred);
    } finally {
      closeAll(a, b);
    }
  });

  it('IP_PKTINFO: the destination address received, and the source address chosen per message', () => {
    const x = udpSocket('AF_INET', '0.0.0.0');
    const y = udpSocket('AF_INET', '0.0.0.0');
    try {
      s.setsockopt(y.fd, s.IPPROTO_IP, s.IP_PKTINFO, 1);
      const to = { family: 'AF_INET' as const, address: '127.0.0.3', port: (y.addr as { port: number }).port };
      // spec_dst picks the source address of this one datagram
      const pktinfo = { ifindex: 0, spec_dst: '127.0.0.2' };
      s.sendmsg(x.fd, { iov: 'pkt', addr: to, control: [{ level: s.IPPROTO_IP, type: s.IP_PKTINFO, pktinfo }] });
      const r = s.recvmsg(y.fd, { iov: Buffer.alloc(8), controlLength: 64 });
      expect(r.addr).toMatchObject({ address: '127.0.0.2' });
      expect(r.control).toEqual([expect.objectContaining({ level: s.IPPROTO_IP, type: s.IP_PKTINFO, pktinfo: { ifindex: 1, spec_dst: '127.0.0.3', addr: '127.0.0.3' } })]);
    } finally {
      closeAll(x.fd, y.fd);
    }
  });

  it('IPV6_PKTINFO, SO_TIMESTAMP, SO_TIMESTAMPNS and a raw IP_TOS both ways', () => {
    const x = udpSocket('AF_INET6', '::1');
    const y = udpSocket('AF_INET6', '::1');
    const u = udpSocket('AF_INET', '127.0.0.1');
    const v = udpSocket('AF_INET', '127.0.0.1');
    try {
      s.setsockopt(y.fd, s.IPPROTO_IPV6, s.IPV6_RECVPKTINFO, 1);
      s.sendmsg(x.fd, { iov: 'six', addr: y.addr });
      const six = s.recvmsg(y.fd, { iov: Buffer.alloc(8), controlLength: 64 });
      expect(six.control[0]).toMatchObject({ level: s.IPPROTO_IPV6, type: s.IPV6_PKTINFO, pktinfo: { ifindex: 1, addr: '::1' } });

      s.setsockopt(v.fd, s.SOL_SOCKET, s.SO_TIMESTAMP, 1);
      s.sendmsg(u.fd, { iov: 't', addr: v.addr });
      const before = Date.now();
      const [ts] = s.recvmsg(v.fd, { iov: Buffer.alloc(8), controlLength: 64 }).control;
      expect(ts).toMatchObject({ level: s.SOL_SOCKET, type: s.SO_TIMESTAMP });
      expect(Math.abs(ts!.timestamp!.sec * 1000 + ts!.timestamp!.usec! / 1000 - before)).toBeLessThan(2000);
      s.setsockopt(v.fd, s.SOL_SOCKET, s.SO_TIMESTAMPNS, 1);
      s.sendmsg(u.fd, { iov: 't', addr: v.addr });
      const [tsns] = s.recvmsg(v.fd, { iov: Buffer.alloc(8), controlLength: 64 }).control;
      expect(tsns).toMatchObject({ type: s.SO_TIMESTAMPNS, timestamp: { sec: expect.any(Number), nsec: expect.any(Number) } });
      s.setsockopt(v.fd, s.SOL_SOCKET, s.SO_TIMESTAMPNS, 0);

      // a control message sockfd has no shape for: raw data, sent and received as bytes
      s.setsockopt(v.fd, s.IPPROTO_IP, s.IP_RECVTOS, 1);
      const tos = new Int32Array([0x28]);
      s.sendmsg(u.fd, { iov: 'tos', addr: v.addr, control: [{ level: s.IPPROTO_IP, type: s.IP_TOS, data: tos }] });
      const got = s.recvmsg(v.fd, { iov: Buffer.alloc(8), controlLength: 64 }).control;
      expect(got.find((c) => c.type === s.IP_TOS)?.data).toEqual(new Uint8Array([0x28]));
    } finally {
      closeAll(x.fd, y.fd, u.fd, v.fd);
    }
  });

  it("CMSG_LEN and CMSG_SPACE are C's for every length whose result fits in a socklen_t, and Python's", () => {
    const c = JSON.parse(execFileSync(compileFixture('inet_values')).toString()) as { CMSG: [number, number, number][] };
    for (const [length, len, space] of c.CMSG) {
      expect(s.CMSG_LEN(length), `CMSG_LEN(${length})`).toBe(len);
      if (space <= 2 ** 32 - 1) expect(s.CMSG_SPACE(length), `CMSG_SPACE(${length})`).toBe(space);
    }
    expect(() => s.CMSG_LEN(2 ** 32 - 16)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' })); // past socklen_t
    expect(() => s.CMSG_SPACE(2 ** 32 - 23)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    if (hasPython) {
      const lengths = [0, 5, 1048577, 2147483623];
      const theirs = execFileSync('python3', ['-c', `import socket; print(' '.join(f'{socket.CMSG_LEN(n)} {socket.CMSG_SPACE(n)}' for n in ${JSON.stringify(lengths)}))`], { encoding: 'utf8' });
      expect(lengths.flatMap((n) => [s.CMSG_LEN(n), s.CMSG_SPACE(n)]).join(' ')).toBe(theirs.trim());
    }
  });

  it('raw msg_control bytes laid out by hand, and CMSG_SPACE / CMSG_LEN as C computes them', () => {
    expect([s.CMSG_LEN(0), s.CMSG_LEN(4), s.CMSG_SPACE(4), s.CMSG_SPACE(13)]).toEqual([16, 20, 24, 32]);
    const [a, b] = dgramPair();
    const received: number[] = [];
    try {
      const control = new DataView(new ArrayBuffer(s.CMSG_SPACE(4)));
      control.setBigUint64(0, BigInt(s.CMSG_LEN(4)), true); // cmsg_len (x86-64 and arm64 layout)
      control.setInt32(8, s.SOL_SOCKET, true);
      control.setInt32(12, s.SCM_RIGHTS, true);
      control.setInt32(16, a, true);
      s.sendmsg(a, { iov: 'raw', control });
      const r = s.recvFds(b, Buffer.alloc(4), 4);
      received.push(...r.fds);
      expect(r.fds).toHaveLength(1);
      // a layout the kernel refuses is its EINVAL, not a crash
      control.setBigUint64(0, 1000n, true);
      expect(() => s.sendmsg(a, { iov: 'bad', control })).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'sendmsg' }));
    } finally {
      closeAll(a, b, ...received);
    }
  });

  it('takes control-message layouts from a C peer apart without reading past them', async () => {
    const bin = compileFixture('cmsg_peer');
    const [mine, theirs] = dgramPair();
    const received: number[] = [];
    try {
      s.setsockopt(mine, s.SOL_SOCKET, s.SO_PASSCRED, 1);
      const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'inherit', theirs] });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      await new Promise((resolve) => child.on('close', resolve));
      const results = Object.fromEntries(out.trim().split('\n').map((l) => l.split(' ')));
      expect(results).toEqual({
        'two-rights': '10',
        'eight-fds': '9',
        'cred-and-fd': '11',
        'len-not-space': '13',
        'odd-length': '10',
        'unknown-level': '13',
        'len-too-long': 'EINVAL',
        'closed-fd': 'EBADF',
        done: '4',
      });
      const buf = Buffer.alloc(32);
      const next = (maxFds: number) => {
        const r = s.recvmsg(mine, { iov: buf, controlLength: s.CMSG_SPACE(maxFds * 4) + s.CMSG_SPACE(12) });
        const fds = r.control.flatMap((c) => c.fds ?? []);
        received.push(...fds);
        return { name: text(buf, r.bytes), fds, r };
      };
      const twoRights = next(3);
      expect(twoRights.name).toBe('two-rights');
      expect(twoRights.fds).toHaveLength(3); // Linux merges both SCM_RIGHTS into one
      const eight = next(2);
      expect(eight.r.flags & s.MSG_CTRUNC).toBe(s.MSG_CTRUNC);
      expect(eight.fds.length).toBeLessThan(8);
      const credAndFd = next(1);
      expect(credAndFd.r.control.map((c) => c.type).sort()).toEqual([s.SCM_RIGHTS, s.SCM_CREDENTIALS].sort());
      expect(credAndFd.r.control.find((c) => c.cred)?.cred?.pid).toBeGreaterThan(0);
      expect(next(1).fds).toHaveLength(1); // len-not-space
      expect(next(1).fds).toHaveLength(1); // odd-length: 6 bytes hold one int
      expect(next(1).name).toBe('unknown-level');
      expect(next(1).name).toBe('done');
      for (const fd of received) expect(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')).toMatch(/flags/);
    } finally {
      closeAll(mine, theirs, ...received);
    }
  });
});

describe('sendFds / recvFds against Python socket.send_fds / recv_fds', () => {
  const python = (code: string, ...fds: number[]) =>
    spawn('python3', ['-c', code], { stdio: ['pipe', 'pipe', 'inherit', ...fds] });

  it('receives a pipe end from Python and writes through it', async () => {
    const [mine, theirs] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      const child = python(
        `import os, socket
s = socket.socket(fileno=3)
r, w = os.pipe()
socket.send_fds(s, [b'a pipe'], [w])
os.close(w)
s.recv(1)  # wait until the other side has written
print(os.read(r, 100).decode(), flush=True)`,
        theirs,
      );
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      const buf = Buffer.alloc(16);
      const r = await p.recvFds(mine, buf, 2);
      expect(text(buf, r.bytes)).toBe('a pipe');
      expect(r.fds).toHaveLength(1);
      const w = r.fds[0]!;
      expect(s.write(w, 'written by sockfd')).toBe(17);
      s.close(w);
      await p.send(mine, 'k');
      await new Promise((resolve) => child.on('close', resolve));
      expect(out.trim()).toBe('written by sockfd');
    } finally {
      closeAll(mine, theirs);
    }
  });

  it('sends a socket end to Python, which writes through it', async () => {
    const [mine, theirs] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    const [x, y] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      const child = python(
        `import socket
s = socket.socket(fileno=3)
msg, fds, flags, addr = socket.recv_fds(s, 100, 4)
passed = socket.socket(fileno=fds[0])
passed.sendall(msg.upper())
print(len(fds), flush=True)`,
        theirs,
      );
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      expect(await p.sendFds(mine, 'from sockfd', [x])).toBe(11);
      const buf = Buffer.alloc(32);
      expect(text(buf, await p.recv(y, buf))).toBe('FROM SOCKFD');
      await new Promise((resolve) => child.on('close', resolve));
      expect(out.trim()).toBe('1');
    } finally {
      closeAll(mine, theirs, x, y);
    }
  });
});

describe('sendmmsg / recvmmsg', () => {
  const COUNT = 100_000;
  const BATCH = 64;

  it(`move ${COUNT.toLocaleString('en')} UDP datagrams, sequence numbers checked (sync)`, () => {
    const x = udpSocket('AF_INET', '127.0.0.1');
    const y = udpSocket('AF_INET', '127.0.0.1');
    try {
      s.connect(x.fd, y.addr);
      const out = Array.from({ length: BATCH }, () => new DataView(new ArrayBuffer(8)));
      const inn = Array.from({ length: BATCH }, () => Buffer.alloc(16));
      let sent = 0;
      let next = 0;
      while (next < COUNT) {
        const n = Math.min(BATCH, COUNT - sent);
        for (let i = 0; i < n; i++) out[i]!.setFloat64(0, sent + i);
        sent += s.sendmmsg(x.fd, out.slice(0, n));
        // the kernel queue holds a batch; read it all back before sending more, so nothing is dropped
        while (next < sent) {
          const rs = s.recvmmsg(y.fd, inn, s.MSG_DONTWAIT);
          // one result per buffer, in order
          for (let i = 0; i < rs.length; i++) {
            const seq = inn[i]!.readDoubleBE(0);
            if (rs[i]!.bytes !== 8 || seq !== next) throw new Error(`expected datagram ${next}, got ${seq} (${rs[i]!.bytes} bytes)`);
            next++;
          }
          expect(rs[0]!.addr).toEqual(x.addr);
        }
      }
      expect(next).toBe(COUNT);
      // nothing queued: MSG_DONTWAIT says EAGAIN, as recvmmsg(2) does
      expect(() => s.recvmmsg(y.fd, inn, s.MSG_DONTWAIT)).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'recvmmsg' }));
      // MSG_WAITFORONE with a timeout returns what is there
      s.send(x.fd, 'one');
      expect(s.recvmmsg(y.fd, inn, s.MSG_WAITFORONE, { sec: 1 })).toHaveLength(1);
    } finally {
      closeAll(x.fd, y.fd);
    }
  });

  it(`move ${COUNT.toLocaleString('en')} datagrams awaited, both ends on one event loop`, async () => {
    // AF_UNIX datagrams: a full receiver makes the sender wait instead of dropping, so both ends can run
    // freely; every datagram carries its sequence number.
    const [a, b] = dgramPair();
    try {
      const sender = (async () => {
        const out = Array.from({ length: BATCH }, () => new DataView(new ArrayBuffer(8)));
        let sent = 0;
        while (sent < COUNT) {
          const n = Math.min(BATCH, COUNT - sent);
          for (let i = 0; i < n; i++) out[i]!.setFloat64(0, sent + i);
          sent += await p.sendmmsg(a, out.slice(0, n)); // a partial send leaves the rest for the next round
        }
      })();
      const inn = Array.from({ length: BATCH }, () => Buffer.alloc(8));
      let next = 0;
      let calls = 0;
      while (next < COUNT) {
        const rs = await p.recvmmsg(b, inn);
        calls++;
        for (let i = 0; i < rs.length; i++) {
          if (inn[i]!.readDoubleBE(0) !== next) throw new Error(`expected datagram ${next}, got ${inn[i]!.readDoubleBE(0)}`);
          next++;
        }
      }
      await sender;
      expect(next).toBe(COUNT);
      expect(calls).toBeLessThan(COUNT / 4); // batches, not one call per datagram
    } finally {
      closeAll(a, b);
    }
  });

  it('vlen is capped at 1024 (UIO_MAXIOV), as the kernel caps it', () => {
    const [a, b] = dgramPair();
    try {
      s.setsockopt(a, s.SOL_SOCKET, s.SO_SNDBUF, 1 << 20);
      s.setsockopt(b, s.SOL_SOCKET, s.SO_RCVBUF, 1 << 20);
      const sent = s.sendmmsg(a, Array.from({ length: 1500 }, () => 'm'), s.MSG_DONTWAIT);
      expect(sent).toBeLessThanOrEqual(1024);
      expect(s.recvmmsg(b, Array.from({ length: 2000 }, () => Buffer.alloc(1)), s.MSG_DONTWAIT).length).toBe(sent);
    } finally {
      closeAll(a, b);
    }
  });
});

describe('the awaitable msg family', () => {
  it('recvmsg waits for a message; abort and close reject it; a detached buffer rejects', async () => {
    const [a, b] = dgramPair();
    try {
      const buf = Buffer.alloc(8);
      const pending = p.recvmsg(b, { iov: [buf], controlLength: s.CMSG_SPACE(4) });
      expect(await settledWithin(pending, 20)).toBe('pending');
      await p.sendFds(a, 'late', [a]);
      const r = await pending;
      expect(text(buf, r.bytes)).toBe('late');
      s.close(r.control[0]!.fds![0]!);

      const ac = new AbortController();
      const aborted = p.recvmsg(b, buf, 0, { signal: ac.signal });
      ac.abort();
      await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });

      const ab = new ArrayBuffer(8);
      const detached = p.recvmmsg(b, [new Uint8Array(ab)]);
      structuredClone(ab, { transfer: [ab] });
      s.send(a, 'x');
      await expect(detached).rejects.toMatchObject({ code: 'ERR_INVALID_STATE' });
      s.recv(b, buf); // the datagram nobody took

      const cancelled = p.recvmsg(b, buf);
      s.close(b);
      await expect(cancelled).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'recvmsg' });
    } finally {
      closeAll(a, b);
    }
  });

  it('Socket has them too', async () => {
    const [a, b] = dgramPair();
    await using x = s.Socket.from(a);
    await using y = s.Socket.from(b);
    const buf = Buffer.alloc(8);
    await x.sendmsg({ iov: ['so', 'ck'] });
    expect((await y.recvmsg(buf)).bytes).toBe(4);
    expect(await x.sendmmsg(['1', '22'])).toBe(2);
    expect((await y.recvmmsg([Buffer.alloc(4), Buffer.alloc(4)])).map((r) => r.bytes)).toEqual([1, 2]);
    await x.sendFds('fd', [a]);
    const r = await y.recvFds(buf, 1);
    expect(r.fds).toHaveLength(1);
    s.close(r.fds[0]!);
    x.close();
    await expect(x.recvmsg(buf)).rejects.toMatchObject({ code: 'EBADF', syscall: 'recvmsg' });
  });
});

describe('SOCK_SEQPACKET over AF_UNIX', () => {
  it('keeps message boundaries; a short buffer gets MSG_TRUNC', async () => {
    await withTmpDir(async (dir) => {
      const path = `${dir}/seq.sock`;
      const listener = s.socket(s.AF_UNIX, s.SOCK_SEQPACKET);
      const client = s.socket(s.AF_UNIX, s.SOCK_SEQPACKET);
      let conn = -1;
      try {
        s.bind(listener, { family: 'AF_UNIX', path });
        s.listen(listener);
        s.connect(client, { family: 'AF_UNIX', path });
        conn = s.accept(listener).fd;
        s.send(client, 'first record');
        s.sendmsg(client, ['second', ' record']);
        s.send(client, 'third');
        const buf = Buffer.alloc(64);
        expect(s.recv(conn, buf)).toBe(12); // one record per read, never merged
        expect(s.recvmsg(conn, buf).bytes).toBe(13);
        const short = s.recvmsg(conn, Buffer.alloc(3));
        expect(short.bytes).toBe(3);
        expect(short.flags & s.MSG_TRUNC).toBe(s.MSG_TRUNC);
        s.shutdown(client, s.SHUT_WR);
        expect(await p.recvmsg(conn, buf)).toMatchObject({ bytes: 0 });
      } finally {
        closeAll(listener, client, conn);
      }
    });
  });
});

describe('bad input: clear errors, never a crash', () => {
  it('rejects wrong shapes with ERR_* codes before any syscall', async () => {
    const [a, b] = dgramPair();
    try {
      const bad: [() => unknown, string][] = [
        [() => s.sendmsg(a, 42 as never), 'ERR_INVALID_ARG_TYPE'],
        [() => s.sendmsg(a, { iov: 42 } as never), 'ERR_INVALID_ARG_TYPE'],
        [() => s.sendmsg(a, { iov: 'x', control: 'no' } as never), 'ERR_INVALID_ARG_TYPE'],
        [() => s.sendmsg(a, { iov: 'x', control: [null] } as never), 'ERR_INVALID_ARG_TYPE'],
        [() => s.sendmsg(a, { iov: 'x', control: [{ level: 1 }] } as never), 'ERR_INVALID_ARG_TYPE'],
        [() => s.sendmsg(a, { iov: 'x', control: [{ level: 1, type: 1.5, data: new Uint8Array(1) }] }), 'ERR_OUT_OF_RANGE'],
        [() => s.sendmsg(a, { iov: 'x', control: [{ level: s.SOL_SOCKET, type: s.SCM_RIGHTS, fds: [-1] }] }), 'ERR_OUT_OF_RANGE'],
        [() => s.sendmsg(a, { iov: 'x', control: [{ level: s.SOL_SOCKET, type: s.SCM_RIGHTS, fds: 'x' as never }] }), 'ERR_INVALID_ARG_TYPE'],
        [() => s.sendmsg(a, { iov: 'x', control: [{ level: s.SOL_SOCKET, type: s.SCM_CREDENTIALS, cred: { pid: 1, uid: -1, gid: 0 } }] }), 'ERR_OUT_OF_RANGE'],
        // pktinfo addresses are read like every address: an address object's errors, NUL included
        [() => s.sendmsg(a, { iov: 'x', control: [{ level: s.IPPROTO_IP, type: s.IP_PKTINFO, pktinfo: { ifindex: 0, addr: 'nope' } }] }), 'ERR_INVALID_IP_ADDRESS'],
        [() => s.sendmsg(a, { iov: 'x', control: [{ level: s.IPPROTO_IP, type: s.IP_PKTINFO, pktinfo: { ifindex: 0, addr: '127.0.0.1\0x' } }] }), 'ERR_INVALID_IP_ADDRESS'],
        [() => s.sendmsg(a, { iov: 'x', control: [{ level: 1, type: 1, data: new Uint8Array((1 << 20) + 1) }] }), 'ERR_OUT_OF_RANGE'],
        [() => s.sendmsg(a, { iov: 'x', control: new Uint8Array((1 << 20) + 1) }), 'ERR_OUT_OF_RANGE'],
        [() => s.sendmsg(a, { iov: 'x', addr: { family: 'AF_UNIX', path: 'x'.repeat(200) } }), 'ERR_OUT_OF_RANGE'],
        [() => s.recvmsg(b, 'str' as never), 'ERR_INVALID_ARG_TYPE'],
        [() => s.recvmsg(b, { iov: ['str'] } as never), 'ERR_INVALID_ARG_TYPE'],
        [() => s.recvmsg(b, { iov: Buffer.alloc(1), controlLength: -1 }), 'ERR_OUT_OF_RANGE'],
        [() => s.recvmsg(b, { iov: Buffer.alloc(1), controlLength: 2 ** 21 }), 'ERR_OUT_OF_RANGE'],
        [() => s.recvmmsg(b, 5 as never), 'ERR_INVALID_ARG_TYPE'],
        [() => s.recvmmsg(b, [Buffer.alloc(1)], 0, { sec: -1 }), 'ERR_OUT_OF_RANGE'],
        [() => s.sendmmsg(a, [{ iov: 'x', control: [7] }] as never), 'ERR_INVALID_ARG_TYPE'],
        [() => s.recvFds(b, Buffer.alloc(1), 254), 'ERR_OUT_OF_RANGE'],
        [() => s.recvFds(b, Buffer.alloc(1), '1' as never), 'ERR_INVALID_ARG_TYPE'],
        [() => s.CMSG_SPACE(-1), 'ERR_OUT_OF_RANGE'],
      ];
      for (const [call, code] of bad) expect(call, String(call)).toThrow(expect.objectContaining({ code }));
      // the awaitable forms reject with the same errors
      await expect(p.sendmsg(a, { iov: 'x', control: [{ level: 1 }] } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
      await expect(p.recvFds(b, Buffer.alloc(1), -1)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
      await expect(p.recvmmsg(b, {} as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
      // a closed fd is the kernel's EBADF
      const closed = s.socket(s.AF_UNIX, s.SOCK_DGRAM);
      s.close(closed);
      expect(() => s.recvmsg(closed, Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'recvmsg' }));
      expect(() => s.sendmmsg(closed, ['x'])).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'sendmmsg' }));
    } finally {
      closeAll(a, b);
    }
  });

  it('a getter that detaches an iov buffer cannot make the call touch freed memory', () => {
    const [a, b] = dgramPair();
    try {
      const ab = new ArrayBuffer(16);
      const view = new Uint8Array(ab).fill(0x41);
      const msg = {
        iov: [view],
        get control() {
          structuredClone(ab, { transfer: [ab] }); // runs before any pointer is taken
          return undefined;
        },
      };
      expect(s.sendmsg(a, msg)).toBe(0); // the view is empty by the time it is read
      expect(s.recv(b, Buffer.alloc(4))).toBe(0);
    } finally {
      closeAll(a, b);
    }
  });

  it('random control-message arrays: a result, an ERR_* error or a syscall error, never a crash', () => {
    const [a, b] = dgramPair();
    const devnull = openSync('/dev/null', 'r');
    let seed = 12345;
    const rand = (n: number) => {
      // mulberry32: a fixed seed, so a failure repeats
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const values = [undefined, null, 0, -1, 1.5, 2 ** 31, NaN, 'x', {}, [], [1, 2], new Uint8Array(3), () => 1, Symbol('s'), 10n, devnull, a];
    const anyValue = () => values[rand(values.length)];
    const cmsg = () => {
      const o: Record<string, unknown> = {
        level: [s.SOL_SOCKET, s.IPPROTO_IP, s.IPPROTO_IPV6, 0, -5, anyValue()][rand(6)],
        type: [s.SCM_RIGHTS, s.SCM_CREDENTIALS, s.IP_PKTINFO, s.IPV6_PKTINFO, 99, anyValue()][rand(6)],
      };
      const payload = rand(5);
      if (payload === 0) o.fds = Array.from({ length: rand(4) }, () => (rand(2) ? devnull : anyValue()));
      if (payload === 1) o.cred = rand(2) ? { pid: process.pid, uid: 0, gid: 0 } : anyValue();
      if (payload === 2) o.pktinfo = rand(2) ? { ifindex: rand(3), addr: ['::1', '127.0.0.1', 'x'][rand(3)] } : anyValue();
      if (payload === 3) o.data = rand(2) ? new Uint8Array(rand(40)).map(() => rand(256)) : anyValue();
      return rand(10) ? o : anyValue();
    };
    const outcomes = new Map<string, number>();
    const buf = Buffer.alloc(64);
    try {
      for (let i = 0; i < 3000; i++) {
        const control = rand(8) ? Array.from({ length: rand(4) }, cmsg) : new Uint8Array(rand(64)).map(() => rand(256));
        let outcome: string;
        try {
          s.sendmsg(a, { iov: 'fuzz', control: control as never }, s.MSG_DONTWAIT);
          const r = s.recvmsg(b, { iov: buf, controlLength: rand(2) ? 256 : rand(40) }, s.MSG_DONTWAIT);
          for (const c of r.control) for (const fd of c.fds ?? []) s.close(fd);
          outcome = 'sent';
        } catch (e) {
          const err = e as { code?: string; syscall?: string };
          expect(e).toBeInstanceOf(Error);
          expect(err.code, String(e)).toMatch(/^(ERR_[A-Z_]+|E[A-Z0-9]+)$/);
          if (!err.code!.startsWith('ERR_')) expect(err.syscall).toBe('sendmsg');
          outcome = err.code!;
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      // every kind of outcome was reached, so the cases were not all rejected up front
      expect([...outcomes.keys()]).toEqual(expect.arrayContaining(['sent', 'ERR_INVALID_ARG_TYPE', 'ERR_OUT_OF_RANGE', 'EINVAL']));
      expect(isOpen(devnull)).toBe(true);
    } finally {
      closeSync(devnull);
      closeAll(a, b);
    }
  });
});
