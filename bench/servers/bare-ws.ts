import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { LIMITS } from '../../server/ws/protocol.js';
import { serve } from '../lib/ipc.js';

/**
 * The bare baseline for fan-out: a `ws` server and nothing else. Sockets say their group in the
 * URL (`/?group=3`); `fanout` serialises the payload once per group, as the hub encodes an
 * entry once per drill, and sends it to every socket of the group.
 */
const groups = new Map<string, WebSocket[]>();
let wss: WebSocketServer | undefined;

serve(
  {
    async start() {
      const server = new WebSocketServer({
        port: 0,
        host: '127.0.0.1',
        maxPayload: LIMITS.maxPayload,
      });
      wss = server;
      server.on('connection', (ws, req) => {
        const group = new URL(req.url ?? '/', 'http://localhost').searchParams.get('group') ?? '0';
        const list = groups.get(group) ?? [];
        groups.set(group, list);
        list.push(ws);
        ws.on('close', () => list.splice(list.indexOf(ws), 1));
        ws.send(JSON.stringify({ type: 'welcome' }));
      });
      await new Promise((resolve) => server.once('listening', resolve));
      return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, pid: process.pid };
    },

    /** Sends `payload` (a JSON message) to every socket of `group`, or of every group. */
    fanout(args: { payload: string; group?: string }) {
      const message = JSON.parse(args.payload);
      let sent = 0;
      for (const [name, list] of groups) {
        if (args.group !== undefined && name !== args.group) continue;
        const data = JSON.stringify(message);
        for (const ws of list) ws.send(data);
        sent += list.length;
      }
      return sent;
    },
  },
  () => {
    for (const list of groups.values()) for (const ws of list) ws.terminate();
    wss?.close();
  },
);
