// Many streaming clients in a thread of their own, so their memory is not counted in the server's heap. Told
// { url, count } it opens `count` WebSockets to `url` (alternately the user and the public stream), says
// { opened } once every one is open, { received } once every one has had an `update` frame, and closes them all
// when told { close }.
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

const { url, count } = workerData;
const sockets = [];
let received = 0;
let opened = 0;

for (let i = 0; i < count; i++) {
  const stream = i % 2 === 0 ? 'user' : 'public:local';
  const socket = new WebSocket(`${url}&stream=${stream}`);
  let got = false;
  socket.on('open', () => {
    opened++;
    if (opened === count) parentPort.postMessage({ opened });
  });
  socket.on('message', (data) => {
    if (got || JSON.parse(data.toString()).event !== 'update') return;
    got = true;
    received++;
    if (received === count) parentPort.postMessage({ received });
  });
  socket.on('error', (error) => parentPort.postMessage({ error: String(error) }));
  sockets.push(socket);
}

parentPort.on('message', (message) => {
  if (message.close) {
    for (const socket of sockets) socket.terminate();
    parentPort.postMessage({ closed: true });
  }
});
