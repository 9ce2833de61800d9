// lib/constants.ts is generated from the addon's tables (npm run gen:constants): it must export
// exactly the names the addon has, with the addon's values.
import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import { native } from '../dist/binding.js';

describe('constants', () => {
  it('every constant and errno name the addon defines is a named export with its value, and no other', () => {
    const fromAddon = { ...native.constants, ...native.errno };
    const exported = Object.fromEntries(Object.entries(s).filter(([k, v]) => /^[A-Z][A-Z0-9_]+$/.test(k) && typeof v === 'number'));
    expect(exported).toEqual(fromAddon);
    expect(Object.keys(fromAddon).length).toBeGreaterThan(500);
  });

  it('the families, types, levels and errno names the seeds use are there', () => {
    for (const name of ['AF_INET', 'AF_INET6', 'AF_UNIX', 'AF_UNSPEC', 'SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_SEQPACKET', 'SOL_SOCKET', 'SO_REUSEADDR', 'SO_REUSEPORT', 'IPPROTO_TCP', 'IPPROTO_UDP', 'TCP_NODELAY', 'MSG_PEEK', 'MSG_WAITALL', 'MSG_DONTWAIT', 'SHUT_RD', 'SHUT_WR', 'SHUT_RDWR', 'INADDR_ANY', 'INADDR_LOOPBACK', 'SOMAXCONN', 'AI_PASSIVE', 'NI_NUMERICHOST', 'EAI_NONAME', 'EADDRINUSE', 'ECONNREFUSED', 'EAGAIN', 'EWOULDBLOCK', 'EINPROGRESS', 'ECANCELED']) {
      expect(typeof (s as any)[name], name).toBe('number');
    }
  });

  it('errors use the usual spelling where errno names alias', () => {
    expect(s.EWOULDBLOCK).toBe(s.EAGAIN);
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM | s.SOCK_NONBLOCK);
    try {
      expect(() => s.recv(a, Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
    } finally {
      s.close(a);
      s.close(b);
    }
  });
});
