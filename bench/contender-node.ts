// node:net and node:dgram as a contender, written the way their docs recommend: event handlers,
// pipe() for the echo, write() with 'drain' for back-pressure, noDelay on every TCP socket.
//
//   node dist/bench/contender-node.js server|client
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import {
  type Command, done, EchoCheck, fail, FloodCheck, message, now, pattern, PERIOD, Pipeline, ready, result, dispatch, serveCommands, setSeq, StreamCheck, unlinkIfThere,
} from './common.js';

function where(cmd: Command): { port: number; host: string } | { path: string } {
  return cmd.unix ? { path: cmd.str('path')! } : { port: cmd.num('port', 0), host: '127.0.0.1' };
}

/** Listens, prints `ready`, and resolves when `connections` connections have closed. */
async function serve(cmd: Command, connections: number, onConnection: (sock: Socket) => void): Promise<void> {
  if (cmd.unix) unlinkIfThere(cmd.str('path'));
  let open = connections;
  const finished = new Promise<void>((resolve) => {
    const server: Server = createServer({ noDelay: cmd.noDelay }, (sock) => {
      sock.on('error', (e) => fail(e.message));
      sock.on('close', () => {
        if (--open === 0) server.close(() => resolve());
      });
      onConnection(sock);
    });
    server.listen({ ...where(cmd), backlog: 1024 }, () => {
      const a = server.address();
      ready(typeof a === 'object' && a ? a.port : undefined, cmd.unix ? cmd.str('path') : undefined);
    });
  });
  await finished;
  done();
}

async function connectTo(cmd: Command): Promise<Socket> {
  const sock = connect({ ...where(cmd), noDelay: cmd.noDelay });
  sock.on('error', (e) => fail(e.message));
  await once(sock, 'connect');
  return sock;
}

async function bindUdp(cmd: Command): Promise<UdpSocket> {
  const rcvbuf = cmd.num('rcvbuf', 0);
  const sock = createSocket({ type: 'udp4', ...(rcvbuf ? { recvBufferSize: rcvbuf } : {}) });
  sock.on('error', (e) => fail(e.message));
  sock.bind(cmd.num('port', 0), '127.0.0.1');
  await once(sock, 'listening');
  ready(sock.address().port, undefined);
  return sock;
}

// ---- servers ----

const servers: Record<string, (cmd: Command) => Promise<void>> = {
  echo: (cmd) => serve(cmd, cmd.num('conns', 1), (sock) => sock.pipe(sock)),

  sink: (cmd) => {
    const total = cmd.num('total');
    return serve(cmd, 1, (sock) => {
      const check = new StreamCheck();
      sock.on('data', (chunk: Buffer) => {
        check.add(chunk);
        if (check.received === total) sock.write('k');
        if (check.received > total) fail('more bytes than sent');
      });
    });
  },

  // node has no sendfile: a file goes to a socket as its docs show, a read stream piped into it
  file: (cmd) => serve(cmd, 1, (sock) => createReadStream(cmd.str('file')!, { start: 0, end: cmd.num('total') - 1 }).pipe(sock)),

  accept: (cmd) => {
    const size = cmd.num('size');
    return serve(cmd, cmd.num('count'), (sock) => {
      const chunks: Buffer[] = [];
      let got = 0;
      sock.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if ((got += chunk.length) === size) sock.end(Buffer.concat(chunks));
      });
    });
  },

  'udp-echo': async (cmd) => {
    const sock = await bindUdp(cmd);
    let left = cmd.num('count');
    sock.on('message', (msg, rinfo) => {
      const last = --left === 0;
      sock.send(msg, rinfo.port, rinfo.address, last ? () => sock.close() : undefined);
    });
    await once(sock, 'close');
    done();
  },

  'udp-sink': async (cmd) => {
    const sock = await bindUdp(cmd);
    const check = new FloodCheck(cmd.num('size'));
    const cancel = check.stopAfterSilence(() => sock.close());
    sock.on('message', (msg) => check.add(msg) || sock.close());
    await once(sock, 'close');
    cancel();
    done(check.summary);
  },
};

// ---- clients ----

/** One message in flight: sends message 0, then the next each time an echo completes, `count` in all. */
function echoLoop(size: number, count: number, send: (msg: Buffer) => void, onReply?: () => void) {
  const check = new EchoCheck(size);
  const out = message(size);
  let sent = 0;
  const next = () => send(Buffer.from(setSeq(out, sent++))); // a copy: write() keeps the buffer
  next();
  return {
    check,
    add(chunk: Buffer): boolean {
      if (check.add(chunk) === 0) return false;
      onReply?.();
      if (sent < count) next();
      return check.seq === count;
    },
  };
}

async function pingPong(cmd: Command, latencies: Float64Array): Promise<void> {
  const size = cmd.num('size'), count = cmd.num('count');
  const sock = await connectTo(cmd);
  let t0 = 0;
  const start = now();
  await new Promise<void>((resolve) => {
    const loop = echoLoop(size, count, (msg) => ((t0 = now()), sock.write(msg)), () => (latencies[loop.check.seq - 1] = now() - t0));
    sock.on('data', (chunk: Buffer) => loop.add(chunk) && resolve());
  });
  const secs = now() - start;
  sock.destroy();
  result(secs, latencies);
}

const clients: Record<string, (cmd: Command) => Promise<void>> = {
  pingpong: (cmd) => pingPong(cmd, new Float64Array(cmd.num('count'))),

  pipeline: async (cmd) => {
    const sock = await connectTo(cmd);
    const pipe = new Pipeline(cmd.num('size'), cmd.num('count'), cmd.num('depth'));
    const start = now();
    await new Promise<void>((resolve) => {
      sock.write(Buffer.from(pipe.start()));
      sock.on('data', (chunk: Buffer) => {
        const next = pipe.add(chunk);
        if (next.length > 0) sock.write(Buffer.from(next)); // a copy: write() keeps the buffer
        if (pipe.done) resolve();
      });
    });
    const secs = now() - start;
    sock.destroy();
    result(secs);
  },

  conns: async (cmd) => {
    const size = cmd.num('size'), conns = cmd.num('conns'), per = cmd.num('count') / conns;
    const socks = await Promise.all(Array.from({ length: conns }, () => connectTo(cmd)));
    const start = now();
    await Promise.all(
      socks.map(
        (sock) =>
          new Promise<void>((resolve) => {
            const loop = echoLoop(size, per, (msg) => sock.write(msg));
            sock.on('data', (chunk: Buffer) => loop.add(chunk) && resolve());
          }),
      ),
    );
    const secs = now() - start;
    socks.forEach((s) => s.destroy());
    result(secs);
  },

  bulk: async (cmd) => {
    const total = cmd.num('total'), write = cmd.num('write');
    const sock = await connectTo(cmd);
    const pat = pattern(write);
    const acked = once(sock, 'data');
    const start = now();
    for (let off = 0; off < total; off += write) {
      const from = off % PERIOD;
      if (!sock.write(pat.subarray(from, from + Math.min(write, total - off)))) await once(sock, 'drain');
    }
    const [ack] = (await acked) as [Buffer];
    const secs = now() - start;
    if (ack.toString() !== 'k') fail('no acknowledgement');
    sock.end();
    result(secs);
  },

  connect: async (cmd) => {
    const count = cmd.num('count'), size = cmd.num('size');
    const msg = message(size);
    const start = now();
    for (let i = 0; i < count; i++) {
      const sock = await connectTo(cmd);
      const check = new EchoCheck(size, i);
      sock.write(Buffer.from(setSeq(msg, i)));
      await new Promise<void>((resolve) => sock.on('data', (chunk: Buffer) => check.add(chunk) && resolve()));
      sock.destroy();
    }
    result(now() - start);
  },

  'udp-pingpong': async (cmd) => {
    const size = cmd.num('size'), count = cmd.num('count');
    const sock = createSocket('udp4');
    sock.on('error', (e) => fail(e.message));
    sock.connect(cmd.num('port'), '127.0.0.1');
    await once(sock, 'connect');
    const latencies = new Float64Array(count);
    let t0 = 0;
    const start = now();
    await new Promise<void>((resolve) => {
      const loop = echoLoop(size, count, (msg) => ((t0 = now()), sock.send(msg)), () => (latencies[loop.check.seq - 1] = now() - t0));
      sock.on('message', (msg) => loop.add(msg) && resolve());
    });
    const secs = now() - start;
    sock.close();
    result(secs, latencies);
  },
};

await serveCommands(dispatch(servers, clients));
