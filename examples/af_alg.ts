// SHA-256 by the kernel's crypto API through a socket (AF_ALG, the Linux kernel's "User Space
// Interface"): bind a SOCK_SEQPACKET socket to { type: 'hash', name: 'sha256' }, accept() an operation
// socket from it, send the data, recv the 32-byte digest. Compared with node:crypto's.
// A kernel built without CONFIG_CRYPTO_USER_API_HASH answers socket() with EAFNOSUPPORT, and a hash it
// lacks bind() with ENOENT: this program says so and exits with status 2.
// Usage: node dist/examples/af_alg.js [text="hello, kernel"] [algorithm=sha256]
import { createHash } from 'node:crypto';

import { accept, AF_ALG, bind, close, isSyscallError, recv, send, SOCK_SEQPACKET, socket } from 'sockfd';

const text = process.argv[2] ?? 'hello, kernel';
const algorithm = process.argv[3] ?? 'sha256';

let tfm: number;
try {
  tfm = socket(AF_ALG, SOCK_SEQPACKET, 0); // socket(2): the transform's socket
  bind(tfm, { family: 'AF_ALG', type: 'hash', name: algorithm }); // bind(2): struct sockaddr_alg
} catch (e) {
  if (isSyscallError(e) && (e.code === 'EAFNOSUPPORT' || e.code === 'ENOENT')) {
    const why = e.code === 'EAFNOSUPPORT' ? 'this kernel has no AF_ALG hash interface (CONFIG_CRYPTO_USER_API_HASH)' : `this kernel has no ${algorithm}`;
    console.error(`af_alg: ${e.message}: ${why}`);
    process.exit(2);
  }
  throw e;
}
const { fd: op } = accept(tfm); // accept(2): one operation's socket
send(op, text); // send(2): the data (MSG_MORE would let more follow)
const digest = Buffer.alloc(64);
const n = recv(op, digest); // recv(2): the digest
close(op);
close(tfm);

const kernel = digest.subarray(0, n).toString('hex');
const node = createHash(algorithm).update(text).digest('hex');
console.log(`kernel     ${algorithm}("${text}") = ${kernel}`);
console.log(`node:crypto ${algorithm}("${text}") = ${node}`);
console.log(kernel === node ? 'equal' : 'DIFFERENT');
process.exitCode = kernel === node ? 0 : 1;
