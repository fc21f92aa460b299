// Prints <count> distinct free TCP ports on 127.0.0.1, one per line (used by scripts/services.sh).
import { createServer } from 'node:net';

const count = Number(process.argv[2] ?? '1');
const servers = [];
for (let i = 0; i < count; i += 1) {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  servers.push(server);
}
for (const server of servers) {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`${address.port}\n`);
}
await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
