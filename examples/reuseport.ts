// SO_REUSEPORT: several processes, each with its own listening socket on one port, and the kernel
// spreading connections across them (socket(7)). Each socket is made with sockfd, then handed to
// node:net, which serves it: toNetServer(fd), that is `net.createServer().listen({ fd })`.
// Usage: node dist/examples/reuseport.js [workers=3] [connections=60]
//
// Why child_process.fork and not node:cluster: in a cluster worker, net's listen({ fd }) asks the
// primary to listen on fd *in the primary*, and port-based listens share the primary's one socket.
// SO_REUSEPORT needs one socket per process, made in that process, so plain forked processes do it.
import { fork } from 'node:child_process';
import net from 'node:net';

import { asInet, AF_INET, bind, close, getsockname, listen, setsockopt, SO_REUSEPORT, SOCK_STREAM, socket, SOL_SOCKET, toNetServer } from 'sockfd';

if (process.argv[2] === 'worker') {
  const port = Number(process.argv[3]);
  const fd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, 1); // setsockopt(2): before bind, in every process
  bind(fd, { family: 'AF_INET', address: '127.0.0.1', port }); // bind(2)
  listen(fd, 128); // listen(2)
  // node:net takes the fd over (and closes it): toNetServer is net.createServer().listen({ fd });
  // each connection is answered with this worker's pid.
  const server = toNetServer(fd, {}, (conn) => conn.end(`${process.pid}\n`));
  server.on('listening', () => process.send!('listening'));
  process.on('disconnect', () => server.close());
} else {
  const workers = Number(process.argv[2] ?? 3);
  const connections = Number(process.argv[3] ?? 60);
  // Pick a free port: bind a SO_REUSEPORT socket to port 0 and keep it bound (not listening, so it
  // takes no connections) until the workers have theirs.
  const holder = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(holder, SOL_SOCKET, SO_REUSEPORT, 1);
  bind(holder, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
  const { port } = asInet(getsockname(holder));

  const children = Array.from({ length: workers }, () => fork(process.argv[1]!, ['worker', String(port)]));
  await Promise.all(children.map((c) => new Promise((resolve) => c.once('message', resolve))));

  const served = new Map<string, number>();
  for (let i = 0; i < connections; i++) {
    const pid = await new Promise<string>((resolve, reject) => {
      let reply = '';
      net
        .connect(port, '127.0.0.1')
        .on('data', (d) => (reply += d))
        .on('end', () => resolve(reply.trim()))
        .on('error', reject);
    });
    served.set(pid, (served.get(pid) ?? 0) + 1);
  }
  console.log(`port ${port}: ${connections} connections over ${workers} workers`);
  for (const [pid, n] of [...served].sort()) console.log(`worker ${pid} served ${n}`);
  for (const c of children) c.disconnect();
  close(holder);
}
