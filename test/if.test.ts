// The interface calls against what the kernel shows in /sys/class/net and /proc/net/if_inet6, and
// Python's socket.if_nameindex(): if_nametoindex, if_indextoname, if_nameindex, getifaddrs.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';

import { hasPython } from './helpers.js';

const sys = (name: string, file: string) => readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim();
const interfaces = readdirSync('/sys/class/net').map((name) => ({ if_index: Number(sys(name, 'ifindex')), if_name: name }));

describe('if_nametoindex, if_indextoname, if_nameindex', () => {
  it('match /sys/class/net (and Python) for every interface', () => {
    for (const { if_index, if_name } of interfaces) {
      expect(s.if_nametoindex(if_name)).toBe(if_index);
      expect(s.if_indextoname(if_index)).toBe(if_name);
    }
    const byIndex = (a: { if_index: number }, b: { if_index: number }) => a.if_index - b.if_index;
    expect([...s.if_nameindex()].sort(byIndex)).toEqual([...interfaces].sort(byIndex));
    if (hasPython) {
      const theirs = JSON.parse(execFileSync('python3', ['-c', 'import json, socket; print(json.dumps(socket.if_nameindex()))'], { encoding: 'utf8' })) as [number, string][];
      expect(s.if_nameindex().map(({ if_index, if_name }) => [if_index, if_name])).toEqual(theirs);
    }
  });

  it("errors as C gives them: ENODEV for a name, ENXIO for an index; an over-long name is ENODEV", () => {
    expect(() => s.if_nametoindex('no-such-if0')).toThrow(expect.objectContaining({ code: 'ENODEV', syscall: 'if_nametoindex' }));
    expect(() => s.if_nametoindex('x'.repeat(64))).toThrow(expect.objectContaining({ code: 'ENODEV' }));
    expect(() => s.if_nametoindex('l\0o')).toThrow(expect.objectContaining({ code: 'ENODEV' }));
    expect(() => s.if_indextoname(2 ** 31)).toThrow(expect.objectContaining({ code: 'ENXIO', syscall: 'if_indextoname' }));
    expect(() => s.if_indextoname(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => s.if_nametoindex(1 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});

describe('getifaddrs', () => {
  const all = s.getifaddrs();

  it('has an entry per interface, with the flags /sys/class/net has', () => {
    for (const { if_name } of interfaces) {
      const entries = all.filter((e) => e.ifa_name === if_name);
      expect(entries.length, if_name).toBeGreaterThan(0);
      // /sys's flags are the device's own; getifaddrs adds IFF_RUNNING (from the link state) and the
      // bits past 16 (IFF_LOWER_UP...)
      const own = (f: number) => f & 0xffff & ~s.IFF_RUNNING;
      for (const e of entries) expect(own(e.ifa_flags)).toBe(own(Number(sys(if_name, 'flags'))));
    }
  });

  it('the loopback: 127.0.0.1/255.0.0.0 and ::1/128, IFF_UP | IFF_LOOPBACK, as address objects that bind() takes', () => {
    const lo = all.filter((e) => e.ifa_flags & s.IFF_LOOPBACK);
    const v4 = lo.find((e) => e.ifa_addr?.family === 'AF_INET')!;
    expect(v4).toMatchObject({ ifa_addr: { address: '127.0.0.1' }, ifa_netmask: { address: '255.0.0.0' } });
    expect(v4.ifa_flags & s.IFF_UP).toBe(s.IFF_UP);
    const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      s.bind(fd, v4.ifa_addr!);
      expect(s.getsockname(fd)).toMatchObject({ address: '127.0.0.1' });
    } finally {
      s.close(fd);
    }
  });

  it('the IPv6 addresses are those of /proc/net/if_inet6, with their interface as scopeId where link-local', () => {
    const proc = readFileSync('/proc/net/if_inet6', 'utf8').trim().split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/));
    const theirs = proc.map(([hex, index, , , , name]) => [name, s.inet_ntop(s.AF_INET6, Buffer.from(hex!, 'hex')), Number.parseInt(index!, 16)] as const);
    const ours = all.flatMap((e) => (e.ifa_addr?.family === 'AF_INET6' ? [[e.ifa_name, e.ifa_addr.address, s.if_nametoindex(e.ifa_name)] as const] : []));
    const key = (x: readonly [string, string, number]) => x.join(' ');
    expect(ours.map(key).sort()).toEqual(theirs.map(key).sort());
    for (const e of all) if (e.ifa_addr?.family === 'AF_INET6' && e.ifa_addr.address.startsWith('fe80:')) expect(e.ifa_addr.scopeId).toBe(s.if_nametoindex(e.ifa_name));
  });
});
