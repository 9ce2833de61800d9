// A file server: every connection gets the file, sent by the kernel from the page cache straight to
// the socket with sendfile(2) (no copy through this process), awaited so that one slow client does
// not hold up the others.
// Usage: node dist/examples/sendfile_server.js <file> [port=0] [connections: exit after that many; 0 = never]
import { closeSync, fstatSync, openSync } from 'node:fs';

import { asInet, AF_INET, close, getsockname, listen, setsockopt, SO_REUSEADDR, socket, SOCK_STREAM, SOL_SOCKET, bind, type InetAddress } from 'sockfd';
import { accept, sendfile } from 'sockfd/promises';

const [path, port = '0', connections = '0'] = process.argv.slice(2);
if (path === undefined) {
  console.log(`Usage: ${process.argv[1]} <file> [port] [connections]`);
  process.exit(1);
}
const file = openSync(path, 'r');
const size = fstatSync(file).size;
const listenfd = socket(AF_INET, SOCK_STREAM, 0);
setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, 1);
bind(listenfd, { family: 'AF_INET', address: '127.0.0.1', port: Number(port) });
listen(listenfd, 64);
console.log(`serving ${path} (${size} bytes) on port ${asInet(getsockname(listenfd)).port}`);

async function serve(conn: number, peer: InetAddress): Promise<void> {
  try {
    // each connection reads the file from offset 0 on its own: the file position is not shared
    const sent = await sendfile(conn, file, 0, size); // sendfile(2) until all is sent
    console.log(`sent ${sent} bytes to ${peer.address}:${peer.port}`);
  } catch (e) {
    console.log(`${peer.address}:${peer.port}: ${(e as Error).message}`);
  } finally {
    close(conn);
  }
}

const pending: Promise<void>[] = [];
for (let n = 0; Number(connections) === 0 || n < Number(connections); n++) {
  const { fd, addr } = await accept(listenfd);
  pending.push(serve(fd, addr as InetAddress));
}
await Promise.all(pending);
close(listenfd);
closeSync(file);
