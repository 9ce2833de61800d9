// Socket set-up shared by the two sockfd contenders (sync and promises): these calls never wait long,
// so both make them with the sync layer, as a C program would.
import {
  AF_INET, AF_UNIX, bind, close, connect, getsockname, IPPROTO_TCP, listen, setsockopt, SO_RCVBUF, SO_REUSEADDR, socket, SOCK_STREAM,
  SOL_SOCKET, TCP_NODELAY, type AddressInput,
} from 'sockfd';
import { type Command, ready, unlinkIfThere } from './common.js';

function address(cmd: Command): AddressInput {
  const path = cmd.str('path');
  return cmd.unix && path ? { family: 'AF_UNIX', path } : { family: 'AF_INET', address: '127.0.0.1', port: cmd.num('port', 0) };
}

/** socket, setsockopt(SO_REUSEADDR), bind, listen (streams), then prints `ready`. */
export function listener(cmd: Command, type: number): number {
  const fd = socket(cmd.unix ? AF_UNIX : AF_INET, type);
  if (cmd.unix) unlinkIfThere(cmd.str('path'));
  else setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  const rcvbuf = cmd.num('rcvbuf', 0);
  if (rcvbuf) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf); // before "ready": a flood starts then
  bind(fd, address(cmd));
  if (type === SOCK_STREAM) listen(fd, 1024);
  const name = getsockname(fd);
  ready(name?.family === 'AF_INET' ? name.port : undefined, cmd.unix ? cmd.str('path') : undefined);
  return fd;
}

export function closeListener(cmd: Command, fd: number): void {
  close(fd);
  if (cmd.unix) unlinkIfThere(cmd.str('path'));
}

/** socket, then connect (a blocking one for the sync layer; `connectAsync` for promises). */
export function clientSocket(cmd: Command, type: number): { fd: number; addr: AddressInput } {
  return { fd: socket(cmd.unix ? AF_UNIX : AF_INET, type), addr: address(cmd) };
}

export function connectSync(cmd: Command, type: number): number {
  const { fd, addr } = clientSocket(cmd, type);
  connect(fd, addr);
  if (type === SOCK_STREAM) noDelay(fd, cmd);
  return fd;
}

/** TCP_NODELAY where the command wants it (Command.noDelay). */
export function noDelay(fd: number, cmd: Command): void {
  if (cmd.noDelay) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
}
