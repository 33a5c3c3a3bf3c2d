/**
 * A loopback SMTP server (smtp-server) in its own process for bench:workers, so receiving mail
 * does not compete with Braid's event loop. Prints `READY {"smtp":url,"http":url}`; GET /count
 * answers how many messages were accepted.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

let count = 0;
const smtp = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS'], logger: false, maxClients: 200,
  onData(stream, _session, callback) { stream.on('data', () => undefined); stream.on('end', () => { count++; callback(); }); },
});
// Replies are small writes: without no-delay, Nagle and the client's delayed ACKs add ~40 ms per message.
smtp.server.on('connection', (socket: import('node:net').Socket) => socket.setNoDelay(true));
await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
const http = createServer((_req, res) => { res.end(String(count)); });
await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
process.stdout.write(`READY ${JSON.stringify({ smtp: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, http: `http://127.0.0.1:${(http.address() as AddressInfo).port}` })}\n`);
process.on('SIGTERM', () => process.exit(0));
