/** The HTTP ceiling: a bare Fastify route answering with fixed bytes (a real 50-tweet home page). */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [file, port] = process.argv.slice(2);
const body = readFileSync(file as string);
const app = Fastify({ logger: false });
app.get('/page', async (_request, reply) => reply.type('application/json').send(body));
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.send?.('ready');
