import WebSocket from 'ws';
import type { Drill } from '../../domain/drill.js';
import { LogEntry } from '../../domain/schema/log.js';
import { buildContext } from '../../domain/scoring/context.js';
import { judgeSteps } from '../../domain/scoring/steps.js';
import type { TimerHandle, WallClock } from '../clock.js';
import { type BotOptions, decide } from './bot.js';

export interface SocketBotsOptions {
  drill: Drill;
  /** ws:// URL of the staff feed (`/ws?drill=<id>`), and the session cookie that opens it. */
  staffUrl: string;
  cookie: string;
  /** ws:// URL of each role's participant socket (its join link). */
  roleUrls: Record<string, string>;
  /** The drill's time now (the server's drill clock). */
  drillNow(): number;
  /** Drill ms per wall ms, to turn a bot's wake-up time into a wall-clock wait. */
  scale: number;
  wall: WallClock;
  bots: BotOptions;
}

/**
 * Bots that play a live drill as real WebSocket clients: each role acts through its own
 * participant socket, exactly as a person's browser would. Their brains read the whole drill
 * through one staff socket — a puppeteer's view, since a bot decides from the manual's steps,
 * which anchor on things its role may not see (see docs/bots.md).
 */
export class SocketBots {
  private readonly log: LogEntry[] = [];
  private readonly sockets = new Map<string, WebSocket>();
  private staff?: WebSocket;
  private timer?: TimerHandle;
  private ended?: (reason: string) => void;
  readonly done: Promise<string>;

  constructor(private readonly options: SocketBotsOptions) {
    this.done = new Promise((resolve) => {
      this.ended = resolve;
    });
  }

  /** Opens every socket; resolves once all are welcomed. */
  async connect(): Promise<void> {
    const open = (url: string, headers: Record<string, string> = {}) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(url, { headers });
        ws.once('message', () => resolve(ws)); // the welcome
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) =>
          reject(new Error(`socket refused: HTTP ${res.statusCode}`)),
        );
      });
    for (const [role, url] of Object.entries(this.options.roleUrls))
      this.sockets.set(role, await open(url));
    this.staff = await open(this.options.staffUrl, { cookie: this.options.cookie });
    this.staff.on('message', (data) => this.receive(JSON.parse(data.toString())));
  }

  close(): void {
    this.timer?.cancel();
    for (const ws of [...this.sockets.values(), this.staff]) ws?.close();
  }

  /** The staff feed carries every entry; rebuild the log the bots decide from. */
  private receive(message: { type: string; event?: unknown }) {
    if (message.type !== 'event') return;
    const parsed = LogEntry.safeParse(message.event);
    if (!parsed.success) return;
    this.log.push(parsed.data);
    if (parsed.data.type === 'ended') {
      this.ended?.(parsed.data.reason);
      return;
    }
    this.think();
  }

  private think() {
    const { drill, bots } = this.options;
    if (!this.log.length) return;
    const now = this.options.drillNow();
    const ctx = buildContext(
      drill,
      [...this.log].sort((a, b) => a.seq - b.seq),
      now,
    );
    const judged = judgeSteps(ctx);
    const situation = { drill, ctx, steps: judged.steps, completions: judged.completions, now };
    let wake = Number.POSITIVE_INFINITY;
    for (const [role, ws] of this.sockets) {
      const decision = decide(situation, role, bots);
      for (const draft of decision.actions) {
        const { role: _role, person: _person, id, ...action } = draft;
        // The same duty keeps the same client id, so a resend before the ack is not applied twice.
        ws.send(JSON.stringify({ type: 'action', clientId: id, ...action }));
      }
      if (decision.wakeAt !== undefined) wake = Math.min(wake, decision.wakeAt);
    }
    this.timer?.cancel();
    if (Number.isFinite(wake))
      this.timer = this.options.wall.after(Math.max(0, (wake - now) / this.options.scale), () =>
        this.think(),
      );
  }
}
