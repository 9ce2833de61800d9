// The netdb lookups against C's own answers on this host (a C program makes the same calls), Python's
// socket module, and the files they read: gethostname, gethostbyname/gethostbyname2/gethostbyaddr (sync
// and on the thread pool), getservbyname/getservbyport against /etc/services, getprotobyname/
// getprotobynumber against /etc/protocols. Only names /etc/hosts has are looked up here, so that no DNS
// query leaves the machine; a failed lookup runs in a network namespace of its own.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';

import { compileFixture, hasPython } from './helpers.js';

const values = compileFixture('netdb_values');
const c = (...args: string[]): unknown => JSON.parse(execFileSync(values, args, { encoding: 'utf8' }));
const python = (expr: string) => JSON.parse(execFileSync('python3', ['-c', `import json, socket; print(json.dumps(${expr}))`], { encoding: 'utf8' }));

/** The first entry of an /etc/services-style file whose name (or port/proto) matches. */
function fromFile(path: string, match: (fields: string[]) => boolean): string[] | undefined {
  return readFileSync(path, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim().split(/\s+/)).find((f) => f.length >= 2 && match(f));
}

describe('gethostname', () => {
  it("is os.hostname(), C's and Python's", () => {
    expect(s.gethostname()).toBe(hostname());
    expect(s.gethostname()).toBe(c('hostname'));
    if (hasPython) expect(s.gethostname()).toBe(python('socket.gethostname()'));
  });
});

describe('gethostbyname, gethostbyname2, gethostbyaddr', () => {
  it("give C's hostent for localhost, by name and by address, sync and awaited", async () => {
    const byName = c('host', 'localhost');
    expect(s.gethostbyname('localhost')).toEqual(byName);
    expect(s.gethostbyname('localhost')).toMatchObject({ h_addrtype: s.AF_INET, h_length: 4 });
    expect(s.gethostbyname2('localhost', s.AF_INET)).toEqual(byName);
    expect(await p.gethostbyname('localhost')).toEqual(byName);
    expect(await p.gethostbyname2('localhost', s.AF_INET)).toEqual(byName);
    const byAddr = c('addr', '127.0.0.1');
    expect(s.gethostbyaddr('127.0.0.1', undefined, s.AF_INET)).toEqual(byAddr);
    expect(s.gethostbyaddr(s.inet_pton(s.AF_INET, '127.0.0.1')!, 4, s.AF_INET)).toEqual(byAddr);
    expect(await p.gethostbyaddr('127.0.0.1', undefined, s.AF_INET)).toEqual(byAddr);
    if (hasPython) expect(s.gethostbyaddr('127.0.0.1', undefined, s.AF_INET).h_name).toBe(python("socket.gethostbyaddr('127.0.0.1')[0]"));
  });

  it('a numeric address comes back as itself, as in C', () => {
    expect(s.gethostbyname('127.0.0.2')).toEqual(c('host', '127.0.0.2'));
  });

  it('a name that is not found: the h_errno name and value (in a network namespace: no DNS query leaves)', async () => {
    expect(() => s.gethostbyname('local\0host')).toThrow(expect.objectContaining({ code: 'HOST_NOT_FOUND', errno: s.HOST_NOT_FOUND, syscall: 'gethostbyname' }));
    await expect(p.gethostbyname('local\0host')).rejects.toMatchObject({ code: 'HOST_NOT_FOUND' });
    if (process.getuid?.() !== 0 || spawnSync('unshare', ['-n', 'true']).status !== 0) return;
    const script = `import('sockfd').then((s) => { try { s.gethostbyname('no-such-host.sockfd.invalid'); } catch (e) { console.log(JSON.stringify([e.code, e.errno, e.syscall, e.hostname])); } })`;
    const r = spawnSync('unshare', ['-n', process.execPath, '-e', script], { encoding: 'utf8', timeout: 20_000 });
    const [code, errno, syscall, host] = JSON.parse(r.stdout) as [string, number, string, string];
    expect(['HOST_NOT_FOUND', 'TRY_AGAIN', 'NO_DATA', 'NO_RECOVERY']).toContain(code);
    expect(errno).toBe((s as unknown as Record<string, number>)[code]);
    expect([syscall, host]).toEqual(['gethostbyname', 'no-such-host.sockfd.invalid']);
  });

  it('a family other than AF_INET/AF_INET6 is EAFNOSUPPORT (glibc asserted, aborting the process: checked in a child)', () => {
    const script = `import('sockfd').then(async (s) => { const p = await import('sockfd/promises'); const codes = [];
      for (const call of [() => s.gethostbyname2('localhost', s.AF_UNIX), () => s.gethostbyaddr(new Uint8Array(4), 4, s.AF_PACKET)]) { try { call(); } catch (e) { codes.push(e.code); } }
      await p.gethostbyname2('localhost', 12345).catch((e) => codes.push(e.code)); console.log(codes.join(' ')); })`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect([r.status, r.signal, r.stdout.trim()], r.stderr).toEqual([0, null, 'EAFNOSUPPORT EAFNOSUPPORT EAFNOSUPPORT']);
  });

  it('bad arguments: a TypeError before any lookup (the promises reject)', async () => {
    expect(() => s.gethostbyname(5 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => s.gethostbyaddr('not an address', undefined, s.AF_INET)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_IP_ADDRESS' }));
    expect(() => s.gethostbyaddr(new Uint8Array(4), 5, s.AF_INET)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    await expect(p.gethostbyname2('localhost', 'AF_INET' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });
});

describe('getservbyname, getservbyport, getprotobyname, getprotobynumber', () => {
  it("match /etc/services, C and Python; s_port is in network byte order, as in C", () => {
    for (const [name, proto] of [['http', 'tcp'], ['ssh', 'tcp'], ['domain', 'udp']] as const) {
      const line = fromFile('/etc/services', (f) => f[0] === name && f[1]!.endsWith(`/${proto}`))!;
      const serv = s.getservbyname(name, proto)!;
      expect(serv).toEqual(c('serv', name, proto));
      expect(s.ntohs(serv.s_port)).toBe(Number(line[1]!.split('/')[0]));
      expect(serv.s_aliases).toEqual(line.slice(2));
      expect(s.getservbyport(serv.s_port, proto)).toEqual(c('port', String(s.ntohs(serv.s_port)), proto));
      if (hasPython) expect(s.ntohs(serv.s_port)).toBe(python(`socket.getservbyname('${name}', '${proto}')`));
    }
    expect(s.getservbyname('http')).toMatchObject({ s_name: 'http' }); // any protocol
    expect(s.getservbyname('no-such-service', 'tcp')).toBeNull();
    expect(s.getservbyport(s.htons(1), 'udp')).toEqual(c('port', '1', 'udp'));
  });

  it('match /etc/protocols, C and Python', () => {
    for (const name of ['tcp', 'udp', 'icmp', 'ipv6-icmp']) {
      const line = fromFile('/etc/protocols', (f) => f[0] === name)!;
      const proto = s.getprotobyname(name)!;
      expect(proto).toEqual(c('proto', name));
      expect(proto.p_proto).toBe(Number(line[1]));
      expect(s.getprotobynumber(proto.p_proto)).toEqual(proto);
      if (hasPython) expect(proto.p_proto).toBe(python(`socket.getprotobyname('${name}')`));
    }
    expect(s.getprotobyname('no-such-protocol')).toBeNull();
    expect(s.getprotobynumber(-1)).toBeNull();
  });
});
