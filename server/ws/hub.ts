import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { audienceOf, participantEvent } from '../domain/engine/audience.js';
import type { Effect } from '../domain/engine/reduce.js';
import { boardOf, viewFor } from '../domain/engine/view.js';
import { issuesText } from '../domain/problem.js';
import type { LogEntry } from '../domain/schema/log.js';
import { actionProblem } from '../runtime/check-entry.js';
import type { TimerHandle, WallClock } from '../runtime/clock.js';
import { DrillInputError, type DrillListener, type DrillRunner } from '../runtime/drill-runner.js';
import { CLOSE, ClientMessage, LIMITS, type ServerMessage } from './protocol.js';

/** Who is on the other end of a socket. */
export type Identity =
  | { kind: 'participant'; drillId: string; role: string; person?: string; linkId: string }
  | { kind: 'staff'; drillId: string; accountId: string; username: string };

export interface HubOptions {
  /**
   * The clock heartbeats run on. Real time even in tests that drive drill time by hand: a
   * socket cannot answer a ping while a test jumps an hour in one step.
   */
  wall: WallClock;
  /** Who a connection is, from its upgrade request; undefined refuses it. */
  identify(req: IncomingMessage): Promise<Identity | undefined>;
  /** The live drill, if running. */
  runner(drillId: string): DrillRunner | undefined;
  /** Stops a drill for a real incident. */
  stop(drillId: string, by: string, reason: string | undefined): Promise<void>;
  /** Origins allowed to open a socket besides the server's own host. */
  allowedOrigins?: readonly string[];
  heartbeatMs?: number;
  /** A client whose unsent data passes this many bytes is cut loose (it resumes by reconnecting). */
  maxBufferedBytes?: number;
  /**
   * False while the server is still recovering its drills: an upgrade then is refused with
   * 503, which a console retries, instead of the 404 a drill that is not running gets.
   */
  ready?: () => boolean;
}

interface Connection {
  ws: WebSocket;
  identity: Identity;
  alive: boolean;
  /** Which of the heartbeat's slices pings this socket (see beat). */
  slice: number;
}

/**
 * The heartbeat pings a slice of the sockets at a time, so that 2,000 of them are not pinged
 * in one turn of the event loop (measured: 17–49 ms with the clients on the same core, during
 * which no inject goes out).
 */
const HEARTBEAT_SLICES = 30;

const send = (ws: WebSocket, message: ServerMessage) => ws.send(JSON.stringify(message));

/** The net.Socket under a WebSocket (ws has no public cork; its socket is `_socket`). */
const socketOf = (ws: WebSocket) => (ws as unknown as { _socket?: Duplex })._socket;

/**
 * The real-time hub: participants connect with their join link, staff with their session. Each
 * new log entry is encoded once per audience (participants' form and staff's form) and sent to
 * every socket allowed to see it. Reconnecting with `lastSeq` replays exactly what was missed.
 */
export class Hub implements DrillListener {
  private readonly wss: WebSocketServer;
  /** Sockets accepted so far: deals them round the heartbeat's slices. */
  private connections = 0;
  private readonly drills = new Map<string, Set<Connection>>();
  private readonly corked = new Set<Duplex>();
  private readonly sentThisTick = new Set<Duplex>();
  /** Sockets with actions written but not yet acknowledged, and how many. */
  private readonly awaitingAck = new Map<Duplex, number>();
  /** Sockets corked until the event loop turns, so that an ack joins its events. */
  private readonly heldForAck = new Set<Duplex>();
  private heartbeat?: TimerHandle;

  constructor(private readonly options: HubOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.maxPayload });
  }

  /** Takes WebSocket upgrades on `/ws` from an HTTP server. */
  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => {
      // Until ws takes the socket, a client that resets it must not throw an unhandled 'error'.
      socket.on('error', () => socket.destroy());
      this.upgrade(req, socket, head).catch(() => this.refuse(socket, 400, 'Bad Request'));
    });
    this.beat();
  }

  /** Sockets open for a drill (for the live console's "who is connected"). */
  connected(drillId: string): { role?: string; person?: string; staff: boolean }[] {
    return [...(this.drills.get(drillId) ?? [])].map(({ identity }) =>
      identity.kind === 'participant'
        ? { role: identity.role, person: identity.person, staff: false }
        : { staff: true, person: identity.username },
    );
  }

  /** Closes every socket of a revoked link at once. */
  closeLink(drillId: string, linkId: string): void {
    for (const conn of this.drills.get(drillId) ?? [])
      if (conn.identity.kind === 'participant' && conn.identity.linkId === linkId)
        conn.ws.close(CLOSE.revoked, 'link revoked');
  }

  /** Closes every staff socket of an account (disabled): it sees and stops nothing more. */
  closeAccount(accountId: string): void {
    for (const conns of this.drills.values())
      for (const conn of conns)
        if (conn.identity.kind === 'staff' && conn.identity.accountId === accountId)
          conn.ws.close(CLOSE.revoked, 'account disabled');
  }

  /** Closes every socket of a drill (archived). */
  closeDrill(drillId: string, reason = 'drill archived'): void {
    for (const conn of this.drills.get(drillId) ?? []) conn.ws.close(CLOSE.revoked, reason);
  }

  /**
   * A drill ended: its sockets close, after the 'ended' event already sent on them, and the hub
   * forgets the drill (a reconnect is refused like any drill that is not running).
   */
  ended(runner: DrillRunner): void {
    const conns = this.drills.get(runner.drillId);
    this.drills.delete(runner.drillId);
    for (const conn of conns ?? []) conn.ws.close(1000, 'the drill has ended');
  }

  close(): void {
    this.heartbeat?.cancel();
    for (const conns of this.drills.values()) for (const c of conns) c.ws.terminate();
    this.wss.close();
  }

  entries(runner: DrillRunner, entries: readonly LogEntry[], effects: readonly Effect[]): void {
    const conns = this.drills.get(runner.drillId);
    if (!conns?.size) return;
    this.announce(runner, conns, entries);
    // An inject to one role changes the board every role sees: everyone gets the new board.
    if (!effects.some((e) => e.type === 'world-changed')) return;
    const board = JSON.stringify({
      type: 'board',
      exercise: true,
      board: boardOf(runner.drill, runner.state),
    } satisfies ServerMessage);
    for (const conn of conns) if (conn.identity.kind === 'participant') this.deliver(conn, board);
  }

  /** Sends each entry to staff whole and to the roles that may see it, encoded once each. */
  private announce(runner: DrillRunner, conns: Set<Connection>, entries: readonly LogEntry[]) {
    for (const entry of entries) {
      const audience = audienceOf(runner.drill, runner.state, entry);
      let forParticipants: string | undefined;
      let forStaff: string | undefined;
      for (const conn of conns) {
        if (conn.identity.kind === 'staff') {
          forStaff ??= JSON.stringify({ type: 'event', event: entry } satisfies ServerMessage);
          this.deliver(conn, forStaff);
        } else if (audience.includes(conn.identity.role)) {
          forParticipants ??= JSON.stringify({
            type: 'event',
            exercise: true,
            event: participantEvent(runner.drill, runner.state, entry),
          } satisfies ServerMessage);
          this.deliver(conn, forParticipants);
        }
      }
    }
  }

  private deliver(conn: Connection, data: string) {
    if (conn.ws.bufferedAmount > (this.options.maxBufferedBytes ?? 1_000_000)) {
      conn.ws.close(CLOSE.tooSlow, 'too slow: reconnect with your last sequence number');
      return;
    }
    this.hold(conn.ws);
    conn.ws.send(data);
  }

  /**
   * A socket's first message in a tick goes out at once; from its second on, the socket is
   * corked until the end of the tick, so that the rest of a batch of entries (and the acks that
   * follow in the same tick) leave in one write, not one syscall a message. A socket that gets
   * one message (a fan-out) is never delayed, unless its own action awaits its ack (below).
   */
  private hold(ws: WebSocket) {
    const socket = socketOf(ws);
    if (!socket || this.corked.has(socket) || this.heldForAck.has(socket)) return;
    // A socket waiting for an ack is corked from its first message until the loop turns: its
    // events and the ack that follows them (sent once they are durable, a few microtasks
    // later) leave in one write. Nothing is held longer than the current turn.
    if (this.awaitingAck.has(socket)) {
      if (!this.heldForAck.size)
        setImmediate(() => {
          for (const s of this.heldForAck) s.uncork();
          this.heldForAck.clear();
        });
      socket.cork();
      this.heldForAck.add(socket);
      return;
    }
    if (!this.sentThisTick.has(socket)) {
      this.sentThisTick.add(socket);
      if (this.sentThisTick.size === 1)
        process.nextTick(() => {
          for (const s of this.corked) s.uncork();
          this.corked.clear();
          this.sentThisTick.clear();
        });
      return;
    }
    socket.cork();
    this.corked.add(socket);
  }

  private refuse(socket: Duplex, status: number, text: string) {
    socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  }

  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return true; // not a browser: tokens still decide
    try {
      const { host } = new URL(origin);
      return host === req.headers.host || (this.options.allowedOrigins ?? []).includes(origin);
    } catch {
      return false;
    }
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    // A request target no URL parser reads (`GET http://[ HTTP/1.1`) is answered, not thrown.
    if (!URL.canParse(req.url ?? '/', 'http://localhost'))
      return this.refuse(socket, 400, 'Bad Request');
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') return this.refuse(socket, 404, 'Not Found');
    if (!this.originAllowed(req)) return this.refuse(socket, 403, 'Forbidden');
    if (this.options.ready && !this.options.ready())
      return this.refuse(socket, 503, 'Service Unavailable');
    const identity = await this.options.identify(req).catch(() => undefined);
    const runner = identity && this.options.runner(identity.drillId);
    // An unknown token and a drill that has not started look the same from outside.
    if (!identity || !runner) return this.refuse(socket, 404, 'Not Found');
    const lastSeq = Number(url.searchParams.get('lastSeq'));
    this.wss.handleUpgrade(req, socket, head, (ws) =>
      this.open(
        ws,
        identity,
        runner,
        Number.isInteger(lastSeq) && url.searchParams.has('lastSeq') ? lastSeq : undefined,
      ),
    );
  }

  private open(
    ws: WebSocket,
    identity: Identity,
    runner: DrillRunner,
    lastSeq: number | undefined,
  ) {
    const conn: Connection = {
      ws,
      identity,
      alive: true,
      slice: this.connections++ % HEARTBEAT_SLICES,
    };
    const set = this.drills.get(identity.drillId) ?? new Set();
    this.drills.set(identity.drillId, set);
    set.add(conn);
    // A protocol error (e.g. a message over maxPayload) closes the socket with its code (1009);
    // without a listener it would be thrown.
    ws.on('error', () => undefined);
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('close', () => {
      set.delete(conn);
      if (!set.size) this.drills.delete(identity.drillId);
    });
    ws.on(
      'message',
      (data, isBinary) => void this.receive(conn, runner, isBinary ? '' : data.toString()),
    );
    this.welcome(conn, runner, lastSeq);
  }

  private welcome(conn: Connection, runner: DrillRunner, lastSeq: number | undefined) {
    const { identity } = conn;
    const { drill, state } = runner;
    const role = identity.kind === 'participant' ? identity.role : undefined;
    const info = {
      id: runner.drillId,
      scenario: {
        id: drill.scenario.id,
        title: drill.scenario.title,
        dataCentres: drill.scenario.dataCentres,
      },
      manual: {
        id: drill.manual.id,
        title: drill.manual.title,
        roles: drill.manual.roles.map(({ id, name }) => ({ id, name })),
        grades: drill.manual.grades,
        channels: drill.manual.channels,
        actions: drill.manual.actions,
      },
      exercise: true,
    };
    const view =
      lastSeq !== undefined ? null : role ? viewFor(drill, state, role) : { state: 'staff' };
    send(conn.ws, {
      type: 'welcome',
      seq: state.seq,
      role,
      staff: identity.kind === 'staff',
      drill: info,
      view,
    });
    if (lastSeq === undefined) return;
    for (const entry of runner.entries) {
      if (entry.seq <= lastSeq) continue;
      if (identity.kind === 'staff') send(conn.ws, { type: 'event', event: entry });
      else if (audienceOf(drill, state, entry).includes(identity.role))
        send(conn.ws, {
          type: 'event',
          exercise: true,
          event: participantEvent(drill, state, entry),
        });
    }
  }

  private async receive(conn: Connection, runner: DrillRunner, raw: string) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return send(conn.ws, {
        type: 'error',
        code: 'bad-json',
        message: 'a message must be one JSON object',
      });
    }
    const parsed = ClientMessage.safeParse(json);
    if (!parsed.success) {
      const clientId = (json as { clientId?: unknown } | null)?.clientId;
      // Worded as the JSON API words a bad body: each problem, with the path it is at.
      return send(conn.ws, {
        type: 'error',
        code: 'bad-message',
        message: issuesText(parsed.error.issues, 'message'),
        clientId: typeof clientId === 'string' ? clientId : undefined,
      });
    }
    const message = parsed.data;
    const { identity } = conn;
    const who =
      identity.kind === 'participant' ? (identity.person ?? identity.role) : identity.username;
    try {
      if (message.type === 'ping') return send(conn.ws, { type: 'pong' });
      if (message.type === 'stop')
        return await this.options.stop(identity.drillId, who, message.reason);
      if (identity.kind !== 'participant')
        return send(conn.ws, {
          type: 'error',
          code: 'forbidden',
          message: 'staff act through the console, not as a role',
          clientId: message.clientId,
        });
      // What the log cannot hold is refused; the manual's rules are never enforced here — the
      // drill exists to see whether people follow them.
      const problem = actionProblem(runner.drill, runner.state.seq, message);
      if (problem)
        return send(conn.ws, {
          type: 'error',
          code: 'bad-action',
          message: problem,
          clientId: message.clientId,
        });
      const socket = socketOf(conn.ws);
      if (socket) this.awaitingAck.set(socket, (this.awaitingAck.get(socket) ?? 0) + 1);
      try {
        const { entry, duplicate } = await runner.act({
          id: `${identity.linkId}:${message.clientId}`,
          role: identity.role,
          person: identity.person,
          action: message.action,
          channel: message.channel,
          to: message.to,
          text: message.text,
          fields: message.fields,
          ref: message.ref,
        });
        this.hold(conn.ws);
        send(conn.ws, { type: 'ack', clientId: message.clientId, seq: entry.seq, duplicate });
      } finally {
        const left = (socket && this.awaitingAck.get(socket)) || 1;
        if (socket && left > 1) this.awaitingAck.set(socket, left - 1);
        else if (socket) this.awaitingAck.delete(socket);
      }
    } catch (error) {
      const code = error instanceof DrillInputError ? error.code : 'failed';
      const text =
        error instanceof DrillInputError ? error.message : 'the action was not recorded; try again';
      send(conn.ws, {
        type: 'error',
        code,
        message: text,
        clientId: 'clientId' in message ? message.clientId : undefined,
      });
    }
  }

  /**
   * Every `heartbeatMs` each socket is pinged once, a slice of them every `heartbeatMs / 30`;
   * one that has not answered its last ping by its next turn is dropped.
   */
  private beat(slice = 0) {
    const every = this.options.heartbeatMs ?? 30_000;
    this.heartbeat = this.options.wall.after(every / HEARTBEAT_SLICES, () => {
      for (const conns of this.drills.values())
        for (const conn of conns) {
          if (conn.slice !== slice) continue;
          if (!conn.alive) {
            conn.ws.close(CLOSE.dead, 'no answer to ping');
            conn.ws.terminate();
            continue;
          }
          conn.alive = false;
          conn.ws.ping();
        }
      this.beat((slice + 1) % HEARTBEAT_SLICES);
    });
  }
}
