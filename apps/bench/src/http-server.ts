/**
 * A fake provider for the benchmark: a keep-alive node:http server that reads each POST and
 * answers with a WhatsApp-style JSON body. Runs in its own process (so it uses the other core,
 * like a real provider would not use ours) and prints its port on stdout.
 */
import { createServer } from 'node:http';

const reply = Buffer.from(
  JSON.stringify({
    messaging_product: 'whatsapp',
    contacts: [{ input: '390000000000', wa_id: '390000000000' }],
    messages: [{ id: 'wamid.HBgLMzkwMDAwMDAwMDAwFQIAERgSQUJDREVGMDEyMzQ1Njc4OQA=' }],
  }),
);
let received = 0;

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/__stats') {
    response.end(JSON.stringify({ received }));
    return;
  }
  request.on('data', () => undefined);
  request.on('end', () => {
    received++;
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': reply.length });
    response.end(reply);
  });
});
server.keepAliveTimeout = 60_000;
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
