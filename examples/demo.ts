// `npm run demo`: seed 001's echo server and client, each in its own process as in C, on loopback.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

const server = spawn(process.execPath, [here('echo_server.js'), '0', '--once'], { stdio: ['ignore', 'pipe', 'inherit'] });
server.stdout.setEncoding('utf8');
let started = false;
server.stdout.on('data', (text: string) => {
  process.stdout.write(`[server] ${text}`);
  const port = /listening on port (\d+)/.exec(text)?.[1];
  if (port && !started) {
    started = true;
    const client = spawn(process.execPath, [here('echo_client.js'), '127.0.0.1', port], { stdio: ['ignore', 'pipe', 'inherit'] });
    client.stdout.on('data', (d) => process.stdout.write(`[client] ${d}`));
  }
});
server.on('exit', (code) => process.exit(code ?? 1));
