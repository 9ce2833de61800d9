// sendFds / recvFds (Python's socket.send_fds / recv_fds) in terms of sendmsg / recvmsg, shared by the
// sync layer, sockfd/promises and Socket.
import type { Address } from './address.js';
import { type Data, type MsgIn, type MsgOut, native, type ReceivedMsg } from './binding.js';
import { SCM_RIGHTS, SOL_SOCKET } from './constants.js';
import { invalidArgType, outOfRange } from './errors.js';

/** What recvFds() received: the data's byte count, the fds passed with it, msg_flags, the sender. */
export interface ReceivedFds {
  bytes: number;
  fds: number[];
  flags: number;
  addr: Address | null;
}

// The most fds recvFds makes room for: the kernel's bound for one message is SCM_MAX_FD (253).
const MAX_FDS = 253;

/** sendmsg's message for sendFds: `data` and one SCM_RIGHTS control message carrying `fds`. */
export function fdsMessage(data: Data, fds: number[]): MsgOut {
  return { iov: data, control: [{ level: SOL_SOCKET, type: SCM_RIGHTS, fds }] };
}

/** recvmsg's message for recvFds: `buf`, and control room for `maxFds` descriptors. */
export function fdsRoom(buf: ArrayBufferView, maxFds: number): MsgIn {
  if (typeof maxFds !== 'number') throw invalidArgType('maxFds', 'of type number', maxFds);
  if (!Number.isInteger(maxFds) || maxFds < 0 || maxFds > MAX_FDS)
    throw outOfRange(`The value of "maxFds" is out of range. It must be >= 0 && <= ${MAX_FDS}. Received ${maxFds}`);
  // CMSG_LEN, not CMSG_SPACE: the padding would have room for one more fd (Python sizes it so too).
  return { iov: buf, controlLength: native.CMSG_LEN(maxFds * 4) };
}

/** recvFds's result from recvmsg's: every fd of every SCM_RIGHTS message, in order. */
export function receivedFds(msg: ReceivedMsg): ReceivedFds {
  const fds: number[] = [];
  for (const c of msg.control) if (c.fds) fds.push(...c.fds);
  return { bytes: msg.bytes, fds, flags: msg.flags, addr: msg.addr };
}
