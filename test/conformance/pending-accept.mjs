// A pending accept keeps the process alive, under every runtime: it prints its port and waits; the
// runner checks that it is still there a while later, connects, and then it must end by itself.
import * as s from 'sockfd';
import * as p from 'sockfd/promises';

const l = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
s.bind(l, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
s.listen(l, 1);
console.log(`port ${s.getsockname(l).port}`);
const { fd } = await p.accept(l);
console.log('accepted');
s.close(fd);
s.close(l);
