// socket, socketpair, close, shutdown, setNonBlocking/getNonBlocking against the real kernel.
import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';

import { closeAll, fdFlags, isOpen, O_CLOEXEC, O_NONBLOCK } from './helpers.js';

describe('socket()', () => {
  it('creates a close-on-exec socket of the asked kind', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
    try {
      expect(fd).toBeGreaterThan(2);
      expect(isOpen(fd)).toBe(true);
      expect(fdFlags(fd) & O_CLOEXEC).toBe(O_CLOEXEC);
      expect(fdFlags(fd) & O_NONBLOCK).toBe(0);
      expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_TYPE)).toBe(s.SOCK_STREAM);
      expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_DOMAIN)).toBe(s.AF_INET);
      expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_PROTOCOL)).toBe(s.IPPROTO_TCP);
    } finally {
      s.close(fd);
    }
  });

  it('takes SOCK_NONBLOCK in type, and the protocol argument', () => {
    const fd = s.socket(s.AF_INET6, s.SOCK_DGRAM | s.SOCK_NONBLOCK, s.IPPROTO_UDP);
    try {
      expect(s.getNonBlocking(fd)).toBe(true);
      expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_TYPE)).toBe(s.SOCK_DGRAM);
      expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_PROTOCOL)).toBe(s.IPPROTO_UDP);
    } finally {
      s.close(fd);
    }
  });

  it('fails like C for an unsupported family or protocol', () => {
    expect(() => s.socket(12345, s.SOCK_STREAM)).toThrow(expect.objectContaining({ code: 'EAFNOSUPPORT', errno: s.EAFNOSUPPORT, syscall: 'socket' }));
    expect(() => s.socket(s.AF_INET, s.SOCK_STREAM, s.IPPROTO_UDP)).toThrow(expect.objectContaining({ code: 'EPROTONOSUPPORT', syscall: 'socket' }));
  });
});

describe('socketpair()', () => {
  it('gives two connected close-on-exec fds that talk both ways', () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      expect(fdFlags(a) & O_CLOEXEC).toBe(O_CLOEXEC);
      expect(fdFlags(b) & O_CLOEXEC).toBe(O_CLOEXEC);
      expect(s.send(a, 'ping')).toBe(4);
      const buf = Buffer.alloc(16);
      expect(s.recv(b, buf)).toBe(4);
      expect(buf.toString('utf8', 0, 4)).toBe('ping');
      expect(s.write(b, Buffer.from('pong'))).toBe(4);
      expect(s.read(a, buf)).toBe(4);
      expect(buf.toString('utf8', 0, 4)).toBe('pong');
      // views at an offset into their buffer: the bytes land where the view is, nowhere else
      const backing = new ArrayBuffer(16);
      s.send(a, 'abcd');
      expect(s.recv(b, new DataView(backing, 4, 8))).toBe(4);
      s.send(a, 'efgh');
      expect(s.recv(b, new Uint16Array(backing, 12, 2))).toBe(4);
      expect(Buffer.from(backing).toString('latin1')).toBe('\0\0\0\0abcd\0\0\0\0efgh');
      expect(s.send(a, new Uint8Array(backing).subarray(4, 8))).toBe(4);
      expect(s.recv(b, buf)).toBe(4);
      expect(buf.toString('utf8', 0, 4)).toBe('abcd');
    } finally {
      closeAll(a, b);
    }
  });

  it('fails with EOPNOTSUPP for AF_INET', () => {
    expect(() => s.socketpair(s.AF_INET, s.SOCK_STREAM)).toThrow(expect.objectContaining({ code: 'EOPNOTSUPP', syscall: 'socketpair' }));
  });
});

describe('close()', () => {
  it('closes the fd; a second close is EBADF', () => {
    const fd = s.socket(s.AF_UNIX, s.SOCK_DGRAM);
    s.close(fd);
    expect(isOpen(fd)).toBe(false);
    expect(() => s.close(fd)).toThrow(expect.objectContaining({ code: 'EBADF', errno: s.EBADF, syscall: 'close', message: 'close EBADF: bad file descriptor' }));
  });
});

describe('shutdown()', () => {
  it('SHUT_WR: the peer reads end of stream and can still send back', () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      s.send(a, 'last words');
      s.shutdown(a, s.SHUT_WR);
      const buf = Buffer.alloc(32);
      expect(s.recv(b, buf)).toBe(10);
      expect(s.recv(b, buf)).toBe(0); // end of stream
      expect(s.send(b, 'reply')).toBe(5); // b's direction is still open
      expect(s.recv(a, buf)).toBe(5);
      expect(buf.toString('utf8', 0, 5)).toBe('reply');
      expect(() => s.send(a, 'more')).toThrow(expect.objectContaining({ code: 'EPIPE', syscall: 'send' }));
    } finally {
      closeAll(a, b);
    }
  });

  it('fails with ENOTCONN on an unconnected socket and EINVAL for a bad how', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
    try {
      expect(() => s.shutdown(fd, s.SHUT_RDWR)).toThrow(expect.objectContaining({ code: 'ENOTCONN', syscall: 'shutdown' }));
      expect(() => s.shutdown(fd, 99)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    } finally {
      s.close(fd);
    }
  });
});

describe('setNonBlocking() / getNonBlocking()', () => {
  it('switches O_NONBLOCK, and a non-blocking recv with nothing to read is EAGAIN', () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      expect(s.getNonBlocking(a)).toBe(false);
      s.setNonBlocking(a, true);
      expect(s.getNonBlocking(a)).toBe(true);
      expect(fdFlags(a) & O_NONBLOCK).toBe(O_NONBLOCK);
      expect(() => s.recv(a, Buffer.alloc(4))).toThrow(expect.objectContaining({ code: 'EAGAIN', errno: s.EAGAIN, syscall: 'recv' }));
      expect(() => s.recv(b, Buffer.alloc(4), undefined, s.MSG_DONTWAIT)).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
      s.setNonBlocking(a, false);
      expect(s.getNonBlocking(a)).toBe(false);
    } finally {
      closeAll(a, b);
    }
  });
});
