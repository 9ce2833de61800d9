// Socket addresses: the objects every call takes and returns, and raw sockaddr structs built field by
// field, byte for byte as C lays them out on this platform.
import { type FieldLayout, native, type ReceivedCmsg } from './binding.js';
import { invalidArgType, invalidArgValue, outOfRange } from './errors.js';

/** struct sockaddr_in as an object: `{ family: 'AF_INET', address: '127.0.0.1', port: 4321 }`. */
export interface InetAddress {
  family: 'AF_INET';
  address: string;
  port: number;
}
/** struct sockaddr_in6 as an object. `scopeId` is sin6_scope_id (the interface index for link-local). */
export interface Inet6Address {
  family: 'AF_INET6';
  address: string;
  port: number;
  flowinfo: number;
  scopeId: number;
}
/**
 * struct sockaddr_un as an object. A path starting with '\0' is Linux's abstract namespace; '' is an
 * unnamed socket (and bind() to it autobinds an abstract name on Linux). The name is bytes: given as a
 * string it is its UTF-8, and a name that is not UTF-8 is given and comes back as a Buffer of its bytes
 * (getsockname, accept, recvfrom), so that every name passes back unchanged.
 */
export interface UnixAddress {
  family: 'AF_UNIX';
  path: string | Uint8Array;
}
/** AF_UNSPEC: connect() to it dissolves a datagram socket's association. */
export interface UnspecAddress {
  family: 'AF_UNSPEC';
}
/** struct sockaddr_nl (netlink(7)): `pid` is nl_pid (0: the kernel), `groups` the nl_groups bit mask. */
export interface NetlinkAddress {
  family: 'AF_NETLINK';
  pid: number;
  groups: number;
}
/**
 * struct sockaddr_ll (packet(7)), in host byte order: `protocol` is an ETH_P_* value as it stands (C
 * writes htons(ETH_P_ALL)); `addr` the hardware address as text, '02:00:00:00:00:01' (given as text or
 * bytes; sll_halen is its length).
 */
export interface PacketAddress {
  family: 'AF_PACKET';
  protocol: number;
  ifindex: number;
  hatype: number;
  pkttype: number;
  addr: string;
}
/** struct sockaddr_vm (vsock(7)): a context id (VMADDR_CID_*) and a port. */
export interface VsockAddress {
  family: 'AF_VSOCK';
  cid: number;
  port: number;
  flags: number;
}
/** struct sockaddr_alg (the kernel crypto API): `{ type: 'hash', name: 'sha256' }`. */
export interface AlgAddress {
  family: 'AF_ALG';
  type: string;
  name: string;
  feat: number;
  mask: number;
}
/** Any other family, as its number and the raw sockaddr bytes (accepted back as they are). */
export interface RawAddress {
  family: number;
  bytes: Uint8Array;
}
/** What getsockname(), getpeername(), accept() and recvfrom() return. */
export type Address =
  | InetAddress
  | Inet6Address
  | UnixAddress
  | UnspecAddress
  | NetlinkAddress
  | PacketAddress
  | VsockAddress
  | AlgAddress
  | RawAddress;

/**
 * What bind(), connect(), sendto() and getnameinfo() take: an address object (fields left out are zero,
 * as in a memset() struct: no address is the wildcard, no port is 0; `family` may also be the number,
 * e.g. AF_INET) or a raw sockaddr as bytes (a Uint8Array laid out like the C struct, see sockaddr_in).
 */
export type AddressInput =
  | { family: 'AF_INET' | 'AF_INET6' | number; address?: string; port?: number; flowinfo?: number; scopeId?: number }
  | { family: 'AF_UNIX' | 'AF_LOCAL' | number; path?: string | Uint8Array }
  | UnspecAddress
  | { family: 'AF_NETLINK'; pid?: number; groups?: number }
  | { family: 'AF_PACKET'; protocol?: number; ifindex?: number; hatype?: number; pkttype?: number; addr?: string | Uint8Array }
  | { family: 'AF_VSOCK'; cid?: number; port?: number; flags?: number }
  | { family: 'AF_ALG'; type: string; name: string; feat?: number; mask?: number }
  | ArrayBufferView;

const layout = native.sockaddrLayout;
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// The raw structs are Uint8Arrays with the C field names as accessors. Multi-byte fields are stored in
// host byte order, like a C assignment: `addr.sin_port = htons(4321)` puts 4321 in network order.
abstract class Struct extends Uint8Array {
  static get [Symbol.species]() {
    return Uint8Array; // slice()/subarray() give plain bytes, not another struct
  }
}

function getField(bytes: Uint8Array, f: FieldLayout): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (f.size === 1) return v.getUint8(f.offset);
  return f.size === 2 ? v.getUint16(f.offset, littleEndian) : v.getUint32(f.offset, littleEndian);
}

function setField(bytes: Uint8Array, f: FieldLayout, value: number, name: string): void {
  const max = 2 ** (8 * f.size) - 1;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw outOfRange(`The value of "${name}" is out of range. It must be >= 0 && <= ${max}. Received ${value}`);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (f.size === 1) v.setUint8(f.offset, value);
  else if (f.size === 2) v.setUint16(f.offset, value, littleEndian);
  else v.setUint32(f.offset, value, littleEndian);
}

// Gives a struct class a number accessor per named field, at the offset and width this platform uses.
function defineFields<L>(cls: abstract new (...args: never[]) => Struct, fields: L, names: (keyof L & string)[]): void {
  for (const name of names) {
    const f = fields[name] as FieldLayout;
    Object.defineProperty(cls.prototype, name, {
      get(this: Struct) {
        return getField(this, f);
      },
      set(this: Struct, value: number) {
        setField(this, f, value, name);
      },
    });
  }
}

/** struct in_addr: a view on the 4 address bytes of its sockaddr_in. */
export class in_addr extends Struct {
  /** in_addr_t s_addr, network byte order: assign htonl(INADDR_ANY) or inet_addr("127.0.0.1"). */
  declare s_addr: number;
  constructor(buffer: ArrayBuffer, byteOffset: number) {
    if (!(buffer instanceof ArrayBuffer)) throw invalidArgType('buffer', 'an instance of ArrayBuffer', buffer);
    if (typeof byteOffset !== 'number') throw invalidArgType('byteOffset', 'of type number', byteOffset);
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset > buffer.byteLength - 4) {
      throw outOfRange(`The value of "byteOffset" is out of range. It must be >= 0 && <= ${buffer.byteLength - 4}. Received ${byteOffset}`);
    }
    super(buffer, byteOffset, 4);
  }
}
defineFields(in_addr, { s_addr: { offset: 0, size: 4 } }, ['s_addr']);

/**
 * struct sockaddr_in, zero-filled as after memset(), as bytes that bind()/connect()/sendto() accept:
 *
 * ```ts
 * const addr = new sockaddr_in();
 * addr.sin_family = AF_INET;
 * addr.sin_port = htons(4321);
 * addr.sin_addr.s_addr = htonl(INADDR_ANY);
 * bind(fd, addr);
 * ```
 */
export class sockaddr_in extends Struct {
  declare sin_family: number;
  /** in_port_t, network byte order: assign htons(port). */
  declare sin_port: number;
  constructor() {
    super(layout.sockaddr_in.size);
  }
  get sin_addr(): in_addr {
    return new in_addr(this.buffer as ArrayBuffer, this.byteOffset + layout.sockaddr_in.sin_addr.offset);
  }
}
defineFields(sockaddr_in, layout.sockaddr_in, ['sin_family', 'sin_port']);

/** struct sockaddr_in6, zero-filled. `sin6_addr.s6_addr` is the 16 address bytes (fill with inet_pton). */
export class sockaddr_in6 extends Struct {
  declare sin6_family: number;
  /** in_port_t, network byte order: assign htons(port). */
  declare sin6_port: number;
  declare sin6_flowinfo: number;
  declare sin6_scope_id: number;
  constructor() {
    super(layout.sockaddr_in6.size);
  }
  get sin6_addr(): { s6_addr: Uint8Array } {
    const { offset, size } = layout.sockaddr_in6.sin6_addr;
    return { s6_addr: this.subarray(offset, offset + size) };
  }
}
defineFields(sockaddr_in6, layout.sockaddr_in6, ['sin6_family', 'sin6_port', 'sin6_flowinfo', 'sin6_scope_id']);

/**
 * struct sockaddr_un, zero-filled. Assigning `sun_path` copies the string's UTF-8 bytes (like strcpy);
 * it must leave room for the NUL terminator. Passed whole (sizeof(struct sockaddr_un) bytes), as C
 * programs usually do.
 */
export class sockaddr_un extends Struct {
  declare sun_family: number;
  constructor() {
    super(layout.sockaddr_un.size);
  }
  get sun_path(): string {
    const { offset, size } = layout.sockaddr_un.sun_path;
    const bytes = this.subarray(offset, offset + size);
    const end = bytes.indexOf(0, bytes[0] === 0 ? 1 : 0);
    return Buffer.from(bytes.subarray(0, end < 0 ? size : end)).toString('utf8');
  }
  set sun_path(path: string) {
    if (typeof path !== 'string') throw invalidArgType('sun_path', 'of type string', path);
    const { offset, size } = layout.sockaddr_un.sun_path;
    const bytes = Buffer.from(path, 'utf8');
    if (bytes.length >= size) {
      throw outOfRange(`The AF_UNIX path is too long: ${bytes.length} bytes, sun_path holds ${size - 1} plus its NUL`);
    }
    this.fill(0, offset, offset + size);
    this.set(bytes, offset);
  }
}
defineFields(sockaddr_un, layout.sockaddr_un, ['sun_family']);

// ---- the address slot: the address a sync call returned, decoded here ----------------------------

// The native side leaves the address of accept/recvfrom/getsockname/getpeername in a per-thread slot
// (native/sockaddr.cc): a u32 length at 0, the sockaddr's bytes from addressSlotOffset. Building the object here costs a
// fraction of building it through N-API; families other than AF_INET and AF_INET6 are left to C++.
const slotBuffer = native.addressSlot;
const slotBytes = slotBuffer ? new Uint8Array(slotBuffer) : new Uint8Array(0);
const slotLength = slotBuffer ? new Uint32Array(slotBuffer, 0, 1) : new Uint32Array(1);
const SLOT = native.addressSlotOffset ?? 0;
const { AF_INET, AF_INET6 } = native.constants as { AF_INET: number; AF_INET6: number };
const inet = layout.sockaddr_in, inet6 = layout.sockaddr_in6;
const familyAt = SLOT + inet.sin_family.offset;
const familyWide = inet.sin_family.size === 2;
// host order, as the struct holds it
const hostU16 = (at: number) => (slotBytes[at]! | (slotBytes[at + 1]! << 8)) >>> 0;
const hostU32 = (at: number) => (slotBytes[at]! | (slotBytes[at + 1]! << 8) | (slotBytes[at + 2]! << 16) | (slotBytes[at + 3]! << 24)) >>> 0;
const bigEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;
const beU16 = (at: number) => (slotBytes[at]! << 8) | slotBytes[at + 1]!;
const beU32 = (at: number) => ((slotBytes[at]! << 24) | (slotBytes[at + 1]! << 16) | (slotBytes[at + 2]! << 8) | slotBytes[at + 3]!) >>> 0;

/** An IPv6 address's 16 bytes as inet_ntop(3) writes them (glibc's: RFC 5952, IPv4 tails dotted). */
export function ntop6(b: Uint8Array, at: number): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[at + i]! << 8) | b[at + i + 1]!);
  // the first longest run of two or more zero words becomes '::'
  let base = -1, len = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > len) [base, len] = [i, j - i];
    i = j;
  }
  if (len < 2) base = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (base >= 0 && i >= base && i < base + len) {
      if (i === base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    // ::a.b.c.d and ::ffff:a.b.c.d: an IPv4 address inside, written as one
    if (i === 6 && base === 0 && (len === 6 || (len === 5 && words[5] === 0xffff))) {
      out += `${b[at + 12]}.${b[at + 13]}.${b[at + 14]}.${b[at + 15]}`;
      return out;
    }
    out += words[i]!.toString(16);
  }
  if (base >= 0 && base + len === 8) out += ':';
  return out;
}

// The text of the last IPv4 address decoded: a flood of datagrams from one sender, or a run of
// accepts from one host, reuses one string (immutable) instead of building it each time.
let lastInet = -1;
let lastInetText = '';

/** The address the last sync accept/recvfrom/getsockname/getpeername on this thread left in the slot. */
export function slotAddress(): Address | null {
  if (!slotBuffer || bigEndianHost) return native.decodeAddressSlot();
  const length = slotLength[0]!;
  if (length < inet.sin_family.offset + inet.sin_family.size) return null;
  const family = familyWide ? hostU16(familyAt) : slotBytes[familyAt]!;
  if (family === AF_INET && length >= inet.size) {
    const a = SLOT + inet.sin_addr.offset;
    const raw = ((slotBytes[a]! << 24) | (slotBytes[a + 1]! << 16) | (slotBytes[a + 2]! << 8) | slotBytes[a + 3]!) >>> 0;
    if (raw !== lastInet) {
      lastInet = raw;
      lastInetText = `${raw >>> 24}.${(raw >>> 16) & 255}.${(raw >>> 8) & 255}.${raw & 255}`;
    }
    return { family: 'AF_INET', address: lastInetText, port: beU16(SLOT + inet.sin_port.offset) };
  }
  if (family === AF_INET6 && length >= inet6.size) {
    return {
      family: 'AF_INET6',
      address: ntop6(slotBytes, SLOT + inet6.sin6_addr.offset),
      port: beU16(SLOT + inet6.sin6_port.offset),
      flowinfo: beU32(SLOT + inet6.sin6_flowinfo.offset),
      scopeId: hostU32(SLOT + inet6.sin6_scope_id.offset),
    };
  }
  return native.decodeAddressSlot();
}
// The C++ side has its results with an address made here too (awaited recvfrom and accept, recvmsg,
// recvmmsg: native/sockaddr.cc MadeInJS), as object literals, which no setter on Object.prototype sees.
if (slotBuffer && !bigEndianHost) {
  native.setResultMakers(
    slotAddress,
    (bytes: number) => ({ bytes, addr: slotAddress() }),
    (fd: number) => ({ fd, addr: slotAddress() }),
    (bytes: number, flags: number, control: ReceivedCmsg[] | undefined) => ({ bytes, addr: slotAddress(), flags, control: control ?? [] }),
  );
}

function asFamily<A extends Address>(family: A['family'], addr: Address | null): A {
  if (addr !== null && (typeof addr !== 'object' || Array.isArray(addr))) throw invalidArgType('addr', 'an address object or null', addr);
  if (addr === null || addr.family !== family) {
    const got = addr === null ? 'null' : typeof addr.family === 'number' ? `family ${addr.family}` : addr.family;
    throw invalidArgValue(`Expected an ${String(family)} address, got ${got}`);
  }
  return addr as A;
}

/**
 * The address as an AF_INET one, for a socket whose family you know: `const { port } =
 * asInet(getsockname(fd))`, typed without a cast. No syscall: it checks what getsockname(),
 * getpeername(), accept() or recvfrom() returned.
 *
 * @throws TypeError (ERR_INVALID_ARG_VALUE) if it is null or of another family, ERR_INVALID_ARG_TYPE
 *   if it is not an object.
 */
export function asInet(addr: Address | null): InetAddress {
  return asFamily<InetAddress>('AF_INET', addr);
}

/**
 * The address as an AF_INET6 one (see asInet). No syscall.
 *
 * @throws TypeError (ERR_INVALID_ARG_VALUE) if it is null or of another family.
 */
export function asInet6(addr: Address | null): Inet6Address {
  return asFamily<Inet6Address>('AF_INET6', addr);
}

/**
 * The address as an AF_UNIX one (see asInet). No syscall.
 *
 * @throws TypeError (ERR_INVALID_ARG_VALUE) if it is null or of another family.
 */
export function asUnix(addr: Address | null): UnixAddress {
  return asFamily<UnixAddress>('AF_UNIX', addr);
}
