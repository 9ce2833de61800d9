// Seed 000's chat server with a Worker per client, as the C original (examples/c/chat_server.c) has a
// thread per client. The main thread blocks in accept(); each Worker blocks in read() on its client's
// fd and on stdin, exactly as the C threads do, and prints with write(2) on fd 1 as printf does (a
// Worker's console.log would wait for the main thread's event loop, which accept() is blocking).
// chat_server.ts does the same on one thread with sockfd/promises.
// Usage: node dist/examples/chat_server_worker.js [ip] [port]
import { readSync, writeSync } from 'node:fs';
import { isMainThread, Worker, workerData } from 'node:worker_threads';

import {
  asInet, accept, AF_INET, bind, close, getsockname, htons, inet_addr, listen, read, setsockopt, SO_REUSEADDR,
  sockaddr_in, socket, SOCK_STREAM, SOL_SOCKET, write,
} from 'sockfd';

const printf = (text: string) => writeSync(1, text);

// void *thread_run(void *arg): one client, in its own Worker
function thread_run(fd: number): void {
  printf('create a new thread\n');
  const buf = Buffer.alloc(1024);
  for (;;) {
    const s = read(fd, buf, buf.length - 1); // read(2): blocks this Worker only
    if (s > 0) {
      printf(`client:# ${buf.toString('utf8', 0, s)}`);
      printf('server:$ ');
      const n = readSync(0, buf, 0, buf.length - 1, null); // read(0, buf, sizeof(buf) - 1)
      if (n <= 0) break; // stdin ended: nothing more to say
      write(fd, buf, n - 1); // write(2): the line without its newline
      printf('please wait ...\n');
    } else if (s === 0) {
      printf('client close...\n');
      break;
    }
  }
  close(fd); // close(2)
}

if (!isMainThread) {
  thread_run(workerData as number);
} else {
  if (process.argv.length !== 4) {
    console.log(`Usage: ${process.argv[1]} [ip] [port]`);
    process.exit(1);
  }
  const listen_sock = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
  const local = new sockaddr_in();
  local.sin_family = AF_INET;
  local.sin_port = htons(Number(process.argv[3]));
  local.sin_addr.s_addr = inet_addr(process.argv[2]!); // inet_addr(3)
  setsockopt(listen_sock, SOL_SOCKET, SO_REUSEADDR, 1); // setsockopt(2)
  bind(listen_sock, local); // bind(2)
  listen(listen_sock, 5); // listen(2)
  printf(`listening on port ${asInet(getsockname(listen_sock)).port}\n`);
  for (;;) {
    const { fd: client_sock, addr } = accept(listen_sock); // accept4(2): blocks the main thread
    const peer = asInet(addr);
    printf(`get a new link,socket -> ${peer.address}:${peer.port}\n`);
    // pthread_create(&id, NULL, thread_run, client_sock); pthread_detach(id): the Worker owns the fd now
    new Worker(new URL(import.meta.url), { workerData: client_sock }).unref();
  }
}
