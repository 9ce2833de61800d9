// Passing a file descriptor over an AF_UNIX socket (unix(7), SCM_RIGHTS), first with the control
// message spelled out (sendmsg/recvmsg), then with the sendFds/recvFds shorthand (Python's send_fds).
// Usage: node dist/examples/fd_passing.js
import {
  AF_UNIX, close, CMSG_SPACE, recv, recvFds, recvmsg, SCM_RIGHTS, send, sendFds, sendmsg, SOCK_DGRAM, SOCK_STREAM, socketpair, SOL_SOCKET,
} from 'sockfd';

const [left, right] = socketpair(AF_UNIX, SOCK_DGRAM, 0); // the channel the fd travels over
const [mine, other] = socketpair(AF_UNIX, SOCK_STREAM, 0); // the fd to pass: `mine`

// sendmsg(2) with one control message: cmsg_level SOL_SOCKET, cmsg_type SCM_RIGHTS, the fds as data
sendmsg(left, { iov: ['here is ', 'a socket'], control: [{ level: SOL_SOCKET, type: SCM_RIGHTS, fds: [mine] }] }, 0);

// recvmsg(2) with msg_controllen = CMSG_SPACE(sizeof(int)): room for one fd
const buf = Buffer.alloc(64);
const msg = recvmsg(right, { iov: buf, controlLength: CMSG_SPACE(4) }, 0);
const passed = msg.control[0]!.fds![0]!; // a new fd (close-on-exec), for the same socket as `mine`
console.log(`received "${buf.toString('utf8', 0, msg.bytes)}" and fd ${passed} (sent fd ${mine})`);

send(passed, 'written through the passed fd', undefined, 0); // send(2) on the received fd...
const n = recv(other, buf, undefined, 0); // ...arrives at the other end of the original pair
console.log(`the other end read: ${buf.toString('utf8', 0, n)}`);

// The shorthand: sendFds / recvFds, as Python's socket.send_fds / recv_fds
sendFds(left, 'again', [mine]);
const { bytes, fds } = recvFds(right, buf, 1);
console.log(`recvFds: "${buf.toString('utf8', 0, bytes)}" with ${fds.length} fd`);

// Received fds are the receiver's to close, like any fd it opened.
for (const fd of [passed, ...fds, mine, other, left, right]) close(fd); // close(2)
