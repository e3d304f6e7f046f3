import WebSocket from 'ws';
import { serve } from '../lib/ipc.js';

/**
 * The load generator, in its own process: opens many sockets, records when each inject arrives
 * (the runner subtracts the moment it asked for the inject), and runs a closed loop of actions (each socket sends
 * one, waits for its ack, sends the next). Every message is parsed, as a browser would.
 */
interface Collector {
  expect: number;
  /** Arrival times, epoch ms with fractions. */
  latencies: number[];
  sample?: string;
  done?: () => void;
}

const sockets: WebSocket[] = [];
let collector: Collector | undefined;
let onAck: ((index: number, message: { type: string }) => void) | undefined;
const nowMs = () => performance.timeOrigin + performance.now();

function open(url: string, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`socket refused: HTTP ${res.statusCode}`)),
    );
    ws.once('message', () => resolve()); // the welcome
    ws.on('message', (data) => {
      const text = data.toString();
      const arrived = nowMs();
      const message = JSON.parse(text);
      if (message.type === 'event' && message.event?.type === 'inject-delivered' && collector) {
        collector.latencies.push(arrived);
        collector.sample ??= text;
        if (collector.latencies.length >= collector.expect) collector.done?.();
      } else if (message.type === 'ack' || message.type === 'error') onAck?.(index, message);
    });
    sockets[index] = ws;
  });
}

serve(
  {
    /** Opens every URL (100 at a time); resolves once each socket has its welcome. */
    async open(args: { urls: string[] }) {
      const base = sockets.length;
      for (let i = 0; i < args.urls.length; i += 100)
        await Promise.all(args.urls.slice(i, i + 100).map((url, j) => open(url, base + i + j)));
      return sockets.length;
    },

    /** Starts timing inject deliveries; `harvest` returns them once `expect` have arrived. */
    arm(args: { expect: number }) {
      collector = { expect: args.expect, latencies: [] };
      return true;
    },

    async harvest(args: { timeoutMs: number; firedAt: number }) {
      const c = collector;
      if (!c) throw new Error('arm first');
      if (c.latencies.length < c.expect)
        await new Promise<void>((resolve) => {
          c.done = resolve;
          setTimeout(resolve, args.timeoutMs);
        });
      collector = undefined;
      return { latencies: c.latencies.map((t) => t - args.firedAt), sample: c.sample };
    },

    /**
     * Closed loop: every socket sends a message action, and its next one `thinkMs` after the ack.
     * Counts acks after `warmupMs` for `durationMs`.
     */
    async loop(args: { durationMs: number; warmupMs: number; thinkMs: number; channel: string }) {
      let counting = false;
      let stopping = false;
      let acks = 0;
      let total = 0;
      let errors = 0;
      let firstError: string | undefined;
      const sent = new Array<number>(sockets.length).fill(0);
      let outstanding = 0;
      let drained: (() => void) | undefined;
      const send = (i: number) => {
        const ws = sockets[i];
        if (stopping || !ws) return;
        outstanding += 1;
        sent[i] = (sent[i] ?? 0) + 1;
        ws.send(
          JSON.stringify({
            type: 'action',
            clientId: `bench-${i}-${sent[i]}`,
            action: 'send-message',
            channel: args.channel,
            text: `status update ${sent[i]} from desk ${i}`,
          }),
        );
      };
      onAck = (i, message) => {
        outstanding -= 1;
        if (message.type === 'ack') {
          total += 1;
          if (counting) acks += 1;
        } else {
          errors += 1;
          firstError ??= JSON.stringify(message);
        }
        if (stopping) {
          if (!outstanding) drained?.();
          return;
        }
        if (args.thinkMs > 0) setTimeout(() => send(i), args.thinkMs);
        else send(i);
      };
      for (let i = 0; i < sockets.length; i++) send(i);
      await new Promise((resolve) => setTimeout(resolve, args.warmupMs));
      counting = true;
      const from = nowMs();
      await new Promise((resolve) => setTimeout(resolve, args.durationMs));
      counting = false;
      const windowMs = nowMs() - from;
      stopping = true;
      // Wait for the answers to what is in flight, so the next run starts clean.
      if (outstanding > 0)
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, 5_000);
        });
      onAck = undefined;
      return { acks, total, windowMs, errors, firstError, perSecond: (acks / windowMs) * 1_000 };
    },

    closeAll() {
      for (const ws of sockets.splice(0)) ws.terminate();
      return true;
    },
  },
  () => {
    for (const ws of sockets) ws.terminate();
  },
);
