// Linux's own families, the struct-valued options and the decoded control messages (issue: "Linux's own
// families and the structs behind the options"), each checked against the kernel's or C's reading:
// /proc/net/* for what the kernel stored, test/fixtures/linux_structs.c for C's sizeof and its reading
// of the same bytes, SOCKFD_TRACE for the lengths sockfd passed.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';

import { closeAll, compileFixture, fixtures, tcpPair, udpSocket } from './helpers.js';

const root = process.getuid?.() === 0;
const lo = s.if_nametoindex('lo');
const TYPE = { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' };
const VALUE = { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' };
const RANGE = { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function supported(domain: number, type: number): boolean {
  try {
    s.close(s.socket(domain, type, 0));
    return true;
  } catch (e) {
    if (['EAFNOSUPPORT', 'ENODEV', 'EPROTONOSUPPORT'].includes((e as { code: string }).code)) return false;
    throw e;
  }
}

// C's reading of fd (passed as its fd 3) in one of linux_structs' modes, as "name values..." lines.
function cReads(mode: string, fd?: number, input?: string): string[] {
  const r = spawnSync(compileFixture('linux_structs'), [mode], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit', ...(fd === undefined ? [] : [fd])] });
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n');
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('addresses of the Linux families round-trip as objects', () => {
  it('AF_NETLINK: { pid, groups } in and out, as /proc/net/netlink lists the socket', () => {
    const fd = s.socket(s.AF_NETLINK, s.SOCK_RAW, s.NETLINK_ROUTE);
    try {
      s.bind(fd, { family: 'AF_NETLINK', groups: s.RTMGRP_LINK | s.RTMGRP_IPV4_IFADDR });
      const addr = s.getsockname(fd) as s.NetlinkAddress;
      expect(addr).toEqual({ family: 'AF_NETLINK', pid: expect.any(Number), groups: s.RTMGRP_LINK | s.RTMGRP_IPV4_IFADDR });
      expect(addr.pid).toBeGreaterThan(0); // the port id the kernel assigned
      // sk Eth Pid Groups ...: protocol 0 (NETLINK_ROUTE), our pid, the groups in hex
      const row = readFileSync('/proc/net/netlink', 'utf8').split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f[1] === '0' && f[2] === String(addr.pid));
      expect(parseInt(row![3]!, 16)).toBe(addr.groups);
      // what getsockname gave is accepted back: the kernel's own address as a destination
      expect(s.sendto(fd, Buffer.alloc(16), undefined, s.MSG_DONTWAIT, { family: 'AF_NETLINK', pid: 0, groups: 0 })).toBe(16);
    } finally {
      s.close(fd);
    }
    const raw = s.socket(s.AF_NETLINK, s.SOCK_RAW, s.NETLINK_ROUTE);
    try {
      const bytes = new Uint8Array(12);
      bytes[0] = s.AF_NETLINK; // raw bytes stay accepted
      s.bind(raw, bytes);
      expect((s.getsockname(raw) as s.NetlinkAddress).family).toBe('AF_NETLINK');
    } finally {
      s.close(raw);
    }
  });

  it.runIf(root)('AF_PACKET: protocol, ifindex, hatype, pkttype and the hardware address, as /proc/net/packet lists it', () => {
    const fd = s.socket(s.AF_PACKET, s.SOCK_RAW, 0);
    const again = s.socket(s.AF_PACKET, s.SOCK_DGRAM, 0);
    try {
      s.bind(fd, { family: 'AF_PACKET', protocol: s.ETH_P_IP, ifindex: lo });
      const addr = s.getsockname(fd) as s.PacketAddress;
      expect(addr).toEqual({ family: 'AF_PACKET', protocol: s.ETH_P_IP, ifindex: lo, hatype: s.ARPHRD_LOOPBACK, pkttype: 0, addr: '00:00:00:00:00:00' });
      // sk RefCnt Type Proto Iface ...: Proto is the protocol in host order, in hex
      const rows = readFileSync('/proc/net/packet', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/));
      expect(rows.some((f) => f[3] === s.ETH_P_IP.toString(16).padStart(4, '0') && f[4] === String(lo))).toBe(true);
      s.bind(again, addr); // the object that came out goes back in
      expect((s.getsockname(again) as s.PacketAddress).ifindex).toBe(lo);
    } finally {
      closeAll(fd, again);
    }
  });

  it.runIf(supported(s.AF_VSOCK, s.SOCK_STREAM))('AF_VSOCK: { cid, port, flags } in and out', () => {
    const fd = s.socket(s.AF_VSOCK, s.SOCK_STREAM, 0);
    try {
      s.bind(fd, { family: 'AF_VSOCK', cid: s.VMADDR_CID_ANY, port: 4000 + (process.pid % 1000) });
      expect(s.getsockname(fd)).toEqual({ family: 'AF_VSOCK', cid: s.VMADDR_CID_ANY, port: 4000 + (process.pid % 1000), flags: 0 });
    } finally {
      s.close(fd);
    }
  });

  it('bad addresses: a bad hardware address, names past their fields, wrong types', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      for (const [addr, expected] of [
        [{ family: 'AF_PACKET', addr: 'zz:00' }, VALUE],
        [{ family: 'AF_PACKET', addr: '01:02:03:04:05:06:07:08:09' }, VALUE],
        [{ family: 'AF_PACKET', addr: '01:02:' }, VALUE],
        [{ family: 'AF_PACKET', addr: new Uint8Array(9) }, RANGE],
        [{ family: 'AF_PACKET', protocol: 70000 }, RANGE],
        [{ family: 'AF_NETLINK', pid: -1 }, RANGE],
        [{ family: 'AF_NETLINK', groups: 'all' }, TYPE],
        [{ family: 'AF_ALG', type: 'hash' }, TYPE],
        [{ family: 'AF_ALG', type: 'hash', name: 'x'.repeat(64) }, RANGE],
        [{ family: 'AF_ALG', type: 'a'.repeat(14), name: 'sha256' }, RANGE],
        [{ family: 'AF_ALG', type: 'hash', name: 'sha\u0000256' }, VALUE],
        [{ family: 'AF_VSOCK', cid: 2 ** 32 }, RANGE],
        [{ family: 'AF_PACKET', addr: new Uint8Array(0) }, { code: 'EAFNOSUPPORT', syscall: 'bind' }], // laid out (no bytes: UBSan found a memcpy from null), then refused by an AF_INET socket
      ] as const) {
        expect(() => s.bind(fd, addr as never), JSON.stringify(addr)).toThrow(expect.objectContaining(expected));
      }
    } finally {
      s.close(fd);
    }
  });
});

describe('struct-valued options', () => {
  it('each struct goes to the kernel at C\'s sizeof (SOCKFD_TRACE\'s length against linux_structs.c)', () => {
    const sizes = Object.fromEntries(cReads('sizes').map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]));
    const r = spawnSync(process.execPath, [join(fixtures, 'linux-calls.mjs')], { encoding: 'utf8', env: { ...process.env, SOCKFD_TRACE: '1' } });
    expect(r.status).toBe(0);
    const lines = r.stderr.split('\n');
    const checked: string[] = [];
    lines.forEach((line, i) => {
      const struct = /^@ (\w+)$/.exec(line)?.[1];
      if (!struct) return;
      const call = lines[i + 1]!; // the traced setsockopt/bind: its length is the last argument
      expect(call, struct).toMatch(/^(setsockopt|bind)\(/);
      expect(Number(/, (\d+)\) += /.exec(call)?.[1]), `${struct}: ${call}`).toBe(sizes[struct]);
      checked.push(struct);
    });
    expect(checked).toEqual(expect.arrayContaining(['sockaddr_nl', 'ip_mreq', 'ip_mreqn', 'ip_mreq_source', 'ipv6_mreq', 'group_req', 'group_source_req', 'tcp_md5sig', 'sock_fprog', ...(root ? ['sockaddr_ll', 'packet_mreq'] : [])]));
  });

  it('the multicast memberships the kernel holds: ip_mreq, ip_mreqn, ip_mreq_source, group_req, group_source_req, ipv6_mreq (/proc/net/igmp, igmp6, mcfilter)', () => {
    const u4 = s.socket(s.AF_INET, s.SOCK_DGRAM);
    const u6 = s.socket(s.AF_INET6, s.SOCK_DGRAM);
    // /proc/net/igmp lists groups as the 4 bytes read as a host-order word, in hex
    const igmp = (a: string) => Buffer.from(a.split('.').map(Number)).readUInt32LE(0).toString(16).toUpperCase().padStart(8, '0');
    const groups = () => readFileSync('/proc/net/igmp', 'utf8');
    try {
      s.setsockopt(u4, s.IPPROTO_IP, s.IP_ADD_MEMBERSHIP, { multiaddr: '239.7.0.1', interface: '127.0.0.1' });
      s.setsockopt(u4, s.IPPROTO_IP, s.IP_ADD_MEMBERSHIP, { multiaddr: '239.7.0.2', ifindex: lo });
      s.setsockopt(u4, s.IPPROTO_IP, s.MCAST_JOIN_GROUP, { interface: lo, group: { family: 'AF_INET', address: '239.7.0.3' } });
      s.setsockopt(u4, s.IPPROTO_IP, s.IP_ADD_SOURCE_MEMBERSHIP, { multiaddr: '239.7.0.4', interface: '127.0.0.1', sourceaddr: '127.0.0.9' });
      s.setsockopt(u4, s.IPPROTO_IP, s.MCAST_JOIN_SOURCE_GROUP, { interface: lo, group: { family: 'AF_INET', address: '239.7.0.5' }, source: { family: 'AF_INET', address: '127.0.0.8' } });
      for (const g of ['239.7.0.1', '239.7.0.2', '239.7.0.3', '239.7.0.4', '239.7.0.5']) expect(groups(), g).toContain(igmp(g));
      // Idx Device MCA-ADDR SRC-ADDR INC EXC: the sources, in network-order hex
      const filters = readFileSync('/proc/net/mcfilter', 'utf8');
      expect(filters).toMatch(/lo\s+0xef070004\s+0x7f000009/);
      expect(filters).toMatch(/lo\s+0xef070005\s+0x7f000008/);
      s.setsockopt(u4, s.IPPROTO_IP, s.IP_DROP_MEMBERSHIP, { multiaddr: '239.7.0.2', ifindex: lo });
      s.setsockopt(u4, s.IPPROTO_IP, s.MCAST_LEAVE_GROUP, { interface: lo, group: { family: 'AF_INET', address: '239.7.0.3' } });
      expect(groups()).not.toContain(igmp('239.7.0.2'));
      expect(groups()).not.toContain(igmp('239.7.0.3'));

      s.setsockopt(u6, s.IPPROTO_IPV6, s.IPV6_ADD_MEMBERSHIP, { multiaddr: 'ff15::7:1', interface: lo });
      s.setsockopt(u6, s.IPPROTO_IPV6, s.MCAST_JOIN_GROUP, { interface: lo, group: { family: 'AF_INET6', address: 'ff15::7:2' } });
      const igmp6 = readFileSync('/proc/net/igmp6', 'utf8');
      expect(igmp6).toMatch(/lo\s+ff150000000000000000000000070001/);
      expect(igmp6).toMatch(/lo\s+ff150000000000000000000000070002/);
    } finally {
      closeAll(u4, u6);
    }
  });

  it.runIf(root)('packet_mreq: PACKET_ADD_MEMBERSHIP with PACKET_MR_PROMISC puts the interface in promiscuous mode until the socket closes', () => {
    const promiscuity = () => JSON.parse(execFileSync('ip', ['-d', '-j', 'link', 'show', 'lo'], { encoding: 'utf8' }))[0].promiscuity as number;
    const before = promiscuity();
    const fd = s.socket(s.AF_PACKET, s.SOCK_RAW, 0);
    try {
      s.setsockopt(fd, s.SOL_PACKET, s.PACKET_ADD_MEMBERSHIP, { ifindex: lo, type: s.PACKET_MR_PROMISC });
      expect(promiscuity()).toBe(before + 1);
      s.setsockopt(fd, s.SOL_PACKET, s.PACKET_DROP_MEMBERSHIP, { ifindex: lo, type: s.PACKET_MR_PROMISC });
      expect(promiscuity()).toBe(before);
    } finally {
      s.close(fd);
    }
  });

  it('tcp_md5sig: with the same key on both ends the handshake completes; with another key the SYN is dropped', async () => {
    const key = { addr: { family: 'AF_INET', address: '127.0.0.1' }, key: 'sockfd-secret' } as const;
    const listener = s.socket(s.AF_INET, s.SOCK_STREAM | s.SOCK_NONBLOCK);
    s.bind(listener, { family: 'AF_INET', address: '127.0.0.1' });
    s.setsockopt(listener, s.IPPROTO_TCP, s.TCP_MD5SIG, key);
    s.listen(listener, 4);
    const connectWith = async (k: typeof key | { addr: typeof key.addr; key: string }) => {
      const c = s.socket(s.AF_INET, s.SOCK_STREAM | s.SOCK_NONBLOCK);
      s.setsockopt(c, s.IPPROTO_TCP, s.TCP_MD5SIG, k);
      try {
        s.connect(c, s.getsockname(listener)!);
      } catch (e) {
        expect((e as { code: string }).code).toBe('EINPROGRESS');
      }
      const ready = s.poll([{ fd: c, events: s.POLLOUT }], 400);
      const state = (s.getsockopt(c, s.IPPROTO_TCP, s.TCP_INFO) as s.TcpInfo).state;
      s.close(c);
      return { ready, state };
    };
    try {
      expect(await connectWith(key)).toEqual({ ready: 1, state: 'TCP_ESTABLISHED' });
      s.close(s.accept(listener).fd);
      expect(await connectWith({ ...key, key: 'another-key' })).toEqual({ ready: 0, state: 'TCP_SYN_SENT' });
    } finally {
      s.close(listener);
    }
  });

  it('TCP_INFO decoded: the same fields as C reads from the same socket, and the state by its name', async () => {
    const [client, server] = tcpPair();
    try {
      s.send(client, Buffer.alloc(5000, 1));
      let got = 0;
      while (got < 5000) got += s.recv(server, Buffer.alloc(8192));
      await sleep(50); // the ACKs settle
      const mine = s.getsockopt(client, s.IPPROTO_TCP, s.TCP_INFO) as s.TcpInfo;
      const c = Object.fromEntries(cReads('tcp_info', client).map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]));
      expect(mine.state).toBe('TCP_ESTABLISHED');
      expect(c.state).toBe(s.TCP_ESTABLISHED);
      for (const f of ['ca_state', 'options', 'snd_wscale', 'rcv_wscale', 'snd_mss', 'rcv_mss', 'pmtu', 'advmss', 'snd_cwnd', 'total_retrans', 'bytes_acked', 'bytes_received', 'data_segs_in', 'data_segs_out', 'bytes_sent', 'snd_wnd'] as const) {
        expect(mine[f], f).toBe(c[f]);
      }
      expect(mine.bytes_acked).toBe(5001); // the SYN counts as one
      expect(mine.rtt).toBeGreaterThan(0);
    } finally {
      closeAll(client, server);
    }
  });

  it('classic BPF: a program from { code, jt, jf, k } filters for real, and reads back as C reads it (SO_GET_FILTER)', () => {
    const r = udpSocket('AF_INET', '127.0.0.1');
    const w = s.socket(s.AF_INET, s.SOCK_DGRAM);
    const buf = Buffer.alloc(64);
    // pass a datagram whose first payload byte (after 20 bytes of IP and 8 of UDP) is 'y', drop others
    const program: s.SockFilter[] = [
      { code: s.BPF_LD | s.BPF_B | s.BPF_ABS, k: s.SKF_NET_OFF + 28 },
      { code: s.BPF_JMP | s.BPF_JEQ | s.BPF_K, jt: 0, jf: 1, k: 'y'.charCodeAt(0) },
      { code: s.BPF_RET | s.BPF_K, k: 0xffff },
      { code: s.BPF_RET | s.BPF_K, k: 0 },
    ];
    try {
      s.setsockopt(r.fd, s.SOL_SOCKET, s.SO_ATTACH_FILTER, program);
      for (const text of ['no', 'yes', 'nope', 'yay']) s.sendto(w, text, undefined, 0, r.addr);
      const got: string[] = [];
      for (;;) {
        try {
          got.push(buf.toString('utf8', 0, s.recv(r.fd, buf, undefined, s.MSG_DONTWAIT)));
        } catch {
          break;
        }
      }
      expect(got).toEqual(['yes', 'yay']);
      const full = program.map((i) => ({ jt: 0, jf: 0, ...i, k: (i.k ?? 0) >>> 0 })); // k reads back as the u32 it is
      expect(s.getsockopt(r.fd, s.SOL_SOCKET, s.SO_ATTACH_FILTER)).toEqual(full);
      expect(cReads('filter', r.fd)).toEqual(full.map((i) => `${i.code} ${i.jt} ${i.jf} ${i.k}`));
      // raw: the length is bytes here, 8 per instruction (the kernel counts instructions)
      const raw = s.getsockopt(r.fd, s.SOL_SOCKET, s.SO_ATTACH_FILTER, 8 * program.length);
      expect(raw).toHaveLength(32);
      expect(new DataView(raw.buffer).getUint32(28, true)).toBe(0);
      expect(() => s.getsockopt(r.fd, s.SOL_SOCKET, s.SO_ATTACH_FILTER, 12)).toThrow(expect.objectContaining(RANGE));
      s.setsockopt(r.fd, s.SOL_SOCKET, s.SO_DETACH_FILTER, 0);
      expect(s.getsockopt(r.fd, s.SOL_SOCKET, s.SO_ATTACH_FILTER)).toEqual([]);
    } finally {
      closeAll(r.fd, w);
    }
  });

  it('string options: TCP_CONGESTION, SO_BINDTODEVICE as strings both ways', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
    try {
      s.setsockopt(fd, s.IPPROTO_TCP, s.TCP_CONGESTION, 'reno');
      expect(s.getsockopt(fd, s.IPPROTO_TCP, s.TCP_CONGESTION)).toBe('reno');
      if (root) {
        s.setsockopt(fd, s.SOL_SOCKET, s.SO_BINDTODEVICE, 'lo');
        expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_BINDTODEVICE)).toBe('lo');
      }
      expect(() => s.setsockopt(fd, s.IPPROTO_TCP, s.TCP_CONGESTION, 'nosuchalgo')).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'setsockopt' }));
    } finally {
      s.close(fd);
    }
  });

  it('bad values: the wrong type, a field the struct lacks, a name past IFNAMSIZ, a program past BPF_MAXINSNS, a short raw struct', () => {
    const u = s.socket(s.AF_INET, s.SOCK_DGRAM);
    const t = s.socket(s.AF_INET, s.SOCK_STREAM);
    try {
      const cases: [() => void, object][] = [
        [() => s.setsockopt(u, s.IPPROTO_IP, s.IP_ADD_MEMBERSHIP, { multiaddr: 5 } as never), TYPE],
        [() => s.setsockopt(u, s.IPPROTO_IP, s.IP_ADD_MEMBERSHIP, { multiAddr: '239.1.1.1' } as never), VALUE],
        [() => s.setsockopt(u, s.IPPROTO_IP, s.IP_ADD_MEMBERSHIP, { multiaddr: '239.1.1.1', interface: '127.0.0.1', ifindex: 1 }), VALUE],
        [() => s.setsockopt(u, s.IPPROTO_IP, s.IP_ADD_MEMBERSHIP, { multiaddr: '239.1.1' }), { code: 'ERR_INVALID_IP_ADDRESS' }],
        [() => s.setsockopt(u, s.IPPROTO_IP, s.MCAST_JOIN_GROUP, { interface: 1 } as never), TYPE],
        [() => s.setsockopt(u, s.IPPROTO_IP, s.IP_ADD_MEMBERSHIP, new Uint8Array(3)), { code: 'EINVAL', syscall: 'setsockopt' }],
        [() => s.setsockopt(u, s.SOL_SOCKET, s.SO_REUSEADDR, { onoff: 1 } as never), VALUE],
        [() => s.setsockopt(u, s.SOL_SOCKET, s.SO_REUSEADDR, 'yes' as never), VALUE],
        [() => s.setsockopt(u, s.SOL_SOCKET, s.SO_BINDTODEVICE, 'x'.repeat(16)), RANGE],
        [() => s.setsockopt(u, s.SOL_SOCKET, s.SO_BINDTODEVICE, 'lo\0'), VALUE],
        [() => s.setsockopt(u, s.SOL_SOCKET, s.SO_ATTACH_FILTER, new Array(4097).fill({ code: s.BPF_RET | s.BPF_K })), RANGE],
        [() => s.setsockopt(u, s.SOL_SOCKET, s.SO_ATTACH_FILTER, [{ code: s.BPF_RET, K: 1 }] as never), VALUE],
        [() => s.setsockopt(u, s.SOL_SOCKET, s.SO_ATTACH_FILTER, [{ code: 0x10000 }]), RANGE],
        [() => s.setsockopt(u, s.SOL_SOCKET, s.SO_ATTACH_FILTER, { code: 6 } as never), TYPE],
        [() => s.setsockopt(u, s.SOL_SOCKET, s.SO_ATTACH_FILTER, [5] as never), TYPE],
        [() => s.setsockopt(u, s.SOL_SOCKET, s.SO_ATTACH_FILTER, []), { code: 'EINVAL', syscall: 'setsockopt' }],
        [() => s.setsockopt(u, s.SOL_SOCKET, s.SO_ATTACH_FILTER, [{ code: 0xffff }]), { code: 'EINVAL', syscall: 'setsockopt' }],
        [() => s.setsockopt(t, s.IPPROTO_TCP, s.TCP_MD5SIG, { addr: { family: 'AF_INET' }, key: 'k'.repeat(81) }), RANGE],
        [() => s.setsockopt(t, s.IPPROTO_TCP, s.TCP_MD5SIG, { key: 'k' } as never), TYPE],
        [() => s.setsockopt(u, s.SOL_PACKET, s.PACKET_ADD_MEMBERSHIP, { ifindex: 1, address: 'nope' }), VALUE],
      ];
      for (const [call, expected] of cases) expect(call, String(call)).toThrow(expect.objectContaining(expected));
    } finally {
      closeAll(u, t);
    }
  });
});

describe('control messages decoded, as C reads the same bytes', () => {
  // Each received control message's raw bytes go to linux_structs.c, which decodes them with the C
  // structs; its line must say what sockfd's object says.
  function cDecodes(control: s.ReceivedCmsg[]): string[] {
    return cReads('cmsg', undefined, control.map((c) => `${c.level} ${c.type} ${hex(c.data)}\n`).join(''));
  }
  const addrText = (a: s.Address | null | undefined) => (a && (a.family === 'AF_INET' || a.family === 'AF_INET6') ? ` ${a.family} ${a.address} ${a.port}` : ` family ${a ? (typeof a.family === 'number' ? a.family : 0) : 0}`);
  const asC = (c: s.ReceivedCmsg) => {
    if (c.extendedErr) {
      const e = c.extendedErr;
      return `extendedErr ${e.errno} ${e.origin} ${e.type} ${e.code} ${e.info} ${e.data}${addrText(e.offender)}`;
    }
    if (c.timestamping) return `timestamping ${c.timestamping.map((t) => `${t.sec} ${t.nsec}`).join(' ')}`;
    if (c.addr) return `addr${addrText(c.addr)}`;
    return `value ${c.value}`;
  };

  async function errorQueue(family: 'AF_INET' | 'AF_INET6'): Promise<s.ReceivedCmsg[]> {
    const v6 = family === 'AF_INET6';
    const fd = s.socket(v6 ? s.AF_INET6 : s.AF_INET, s.SOCK_DGRAM);
    try {
      s.setsockopt(fd, v6 ? s.IPPROTO_IPV6 : s.IPPROTO_IP, v6 ? s.IPV6_RECVERR : s.IP_RECVERR, 1);
      const closed = udpSocket(family, v6 ? '::1' : '127.0.0.1'); // a port then closed: nobody listens
      s.close(closed.fd);
      s.connect(fd, closed.addr);
      s.send(fd, 'probe');
      expect(s.poll([{ fd, events: 0 }], 2000)).toBe(1); // POLLERR: the ICMP error is queued
      return s.recvmsg(fd, { iov: Buffer.alloc(64), controlLength: 512 }, s.MSG_ERRQUEUE).control;
    } finally {
      s.close(fd);
    }
  }

  it('IP_RECVERR: sock_extended_err of an ICMP port unreachable, with its offender', async () => {
    const control = await errorQueue('AF_INET');
    expect(control).toHaveLength(1);
    expect(control[0]).toMatchObject({ level: s.IPPROTO_IP, type: s.IP_RECVERR, extendedErr: { errno: s.ECONNREFUSED, origin: s.SO_EE_ORIGIN_ICMP, type: s.ICMP_DEST_UNREACH, code: s.ICMP_PORT_UNREACH, info: 0, data: 0, offender: { family: 'AF_INET', address: '127.0.0.1', port: 0 } } });
    expect(cDecodes(control)).toEqual(control.map(asC));
  });

  it('IPV6_RECVERR: the ICMPv6 form', async () => {
    const control = await errorQueue('AF_INET6');
    expect(control[0]).toMatchObject({ level: s.IPPROTO_IPV6, type: s.IPV6_RECVERR, extendedErr: { errno: s.ECONNREFUSED, origin: s.SO_EE_ORIGIN_ICMP6, type: 1, code: 4, offender: { family: 'AF_INET6', address: '::1' } } });
    expect(cDecodes(control)).toEqual(control.map(asC));
  });

  it('SCM_TIMESTAMPING, IP_TTL, IP_TOS, IP_ORIGDSTADDR on an IPv4 datagram; IP_TTL and IP_TOS sent from { value }', async () => {
    const r = udpSocket('AF_INET', '127.0.0.1');
    const w = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      for (const opt of [s.IP_RECVTTL, s.IP_RECVTOS, s.IP_RECVORIGDSTADDR]) s.setsockopt(r.fd, s.IPPROTO_IP, opt, 1);
      s.setsockopt(r.fd, s.SOL_SOCKET, s.SO_TIMESTAMPING, s.SOF_TIMESTAMPING_RX_SOFTWARE | s.SOF_TIMESTAMPING_SOFTWARE);
      // The first socket to ask turns receive timestamps on from a kernel work item (net_enable_timestamp):
      // a datagram right after the setsockopt may still arrive unstamped.
      await sleep(50);
      const before = Date.now() / 1000;
      s.sendmsg(w, { iov: 'hi', addr: r.addr, control: [{ level: s.IPPROTO_IP, type: s.IP_TTL, value: 9 }, { level: s.IPPROTO_IP, type: s.IP_TOS, value: 0x20 }] });
      const { control } = s.recvmsg(r.fd, { iov: Buffer.alloc(16), controlLength: 512 });
      const by = (type: number) => control.find((c) => c.type === type && c.level === (type === s.SO_TIMESTAMPING ? s.SOL_SOCKET : s.IPPROTO_IP));
      expect(by(s.IP_TTL)?.value).toBe(9);
      expect(by(s.IP_TOS)?.value).toBe(0x20);
      expect(by(s.IP_ORIGDSTADDR)?.addr).toEqual({ family: 'AF_INET', address: '127.0.0.1', port: (r.addr as s.InetAddress).port });
      const [software, , hardware] = by(s.SO_TIMESTAMPING)!.timestamping!;
      expect(Math.abs(software.sec - before)).toBeLessThan(5);
      expect(hardware).toEqual({ sec: 0, nsec: 0 });
      expect(cDecodes(control)).toEqual(control.map(asC));
    } finally {
      closeAll(r.fd, w);
    }
  });

  it('IPV6_HOPLIMIT and IPV6_TCLASS on an IPv6 datagram, sent from { value }', () => {
    const r = udpSocket('AF_INET6', '::1');
    const w = s.socket(s.AF_INET6, s.SOCK_DGRAM);
    try {
      s.setsockopt(r.fd, s.IPPROTO_IPV6, s.IPV6_RECVHOPLIMIT, 1);
      s.setsockopt(r.fd, s.IPPROTO_IPV6, s.IPV6_RECVTCLASS, 1);
      s.sendmsg(w, { iov: 'hi', addr: r.addr, control: [{ level: s.IPPROTO_IPV6, type: s.IPV6_HOPLIMIT, value: 17 }, { level: s.IPPROTO_IPV6, type: s.IPV6_TCLASS, value: 0x28 }] });
      const { control } = s.recvmsg(r.fd, { iov: Buffer.alloc(16), controlLength: 512 });
      expect(control.find((c) => c.type === s.IPV6_HOPLIMIT)?.value).toBe(17);
      expect(control.find((c) => c.type === s.IPV6_TCLASS)?.value).toBe(0x28);
      expect(cDecodes(control)).toEqual(control.map(asC));
    } finally {
      closeAll(r.fd, w);
    }
  });

  it('UDP_GRO: the segment size of datagrams the receiver got coalesced; SO_RXQ_OVFL: how many were dropped before', () => {
    const r = udpSocket('AF_INET', '127.0.0.1');
    const w = s.socket(s.AF_INET, s.SOCK_DGRAM);
    const gso = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      s.setsockopt(r.fd, s.IPPROTO_UDP, s.UDP_GRO, 1);
      s.setsockopt(gso, s.IPPROTO_UDP, s.UDP_SEGMENT, 100);
      s.sendto(gso, Buffer.alloc(300, 1), undefined, 0, r.addr); // three 100-byte datagrams, sent as one
      const m = s.recvmsg(r.fd, { iov: Buffer.alloc(2000), controlLength: 64 });
      expect(m.bytes).toBe(300);
      expect(m.control).toMatchObject([{ level: s.IPPROTO_UDP, type: s.UDP_GRO, value: 100 }]);

      s.setsockopt(r.fd, s.IPPROTO_UDP, s.UDP_GRO, 0);
      s.setsockopt(r.fd, s.SOL_SOCKET, s.SO_RCVBUF, 1); // the smallest buffer: most of a burst is dropped
      s.setsockopt(r.fd, s.SOL_SOCKET, s.SO_RXQ_OVFL, 1);
      for (let i = 0; i < 50; i++) s.sendto(w, Buffer.alloc(1000), undefined, 0, r.addr);
      s.recv(r.fd, Buffer.alloc(2000)); // room for one more, stamped with the drops so far
      s.sendto(w, 'last', undefined, 0, r.addr);
      let drops: number | undefined;
      for (;;) {
        let got;
        try {
          got = s.recvmsg(r.fd, { iov: Buffer.alloc(2000), controlLength: 64 }, s.MSG_DONTWAIT);
        } catch {
          break;
        }
        drops = got.control.find((c) => c.type === s.SO_RXQ_OVFL)?.value ?? drops;
      }
      expect(drops).toBeGreaterThan(0);
    } finally {
      closeAll(r.fd, w, gso);
    }
  });
});
