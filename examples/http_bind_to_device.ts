// An http client whose connection leaves through the interface it names: SO_BINDTODEVICE, set with
// setsockopt(2) before connect(2), makes the kernel look the route up on that interface only (socket(7)).
// The socket is made and connected with sockfd, then handed to node:http through `createConnection`
// (toNetSocket: node:net takes the fd over, readable and writable). With two links to two hosts of the
// same address, the interface alone decides which one answers.
// Usage: node dist/examples/http_bind_to_device.js <ifname> <url>
//   e.g. in a namespace with links va and vb, each to a host 10.93.0.2 (test/node-sockets.test.ts makes one):
//        ip netns exec <ns> node dist/examples/http_bind_to_device.js vb http://10.93.0.2:8080/
import http from 'node:http';

import { connect, getaddrinfo } from 'sockfd/promises';
import { AF_INET, asInet, getsockname, SO_BINDTODEVICE, SOCK_STREAM, socket, SOL_SOCKET, setsockopt, toNetSocket } from 'sockfd';

const [ifname, url] = process.argv.slice(2);
if (ifname === undefined || url === undefined) {
  console.error('usage: http_bind_to_device.js <ifname> <url>');
  process.exit(2);
}
const { hostname, port } = new URL(url);
const [{ addr }] = await getaddrinfo(hostname, port || '80', { family: AF_INET, socktype: SOCK_STREAM }); // getaddrinfo(3)

const fd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname); // setsockopt(2): this interface only
await connect(fd, addr!); // connect(2), waiting on the event loop
const local = asInet(getsockname(fd)); // getsockname(2): the address the route on ifname chose
const conn = toNetSocket(fd); // node:net owns the fd from here

http.get(url, { createConnection: () => conn }, async (res) => {
  let body = '';
  for await (const chunk of res) body += chunk;
  console.log(`GET ${url} from ${local.address}:${local.port} on ${ifname}: ${res.statusCode} ${body.trim()}`);
});
