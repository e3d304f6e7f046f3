import type { Drill } from '../domain/drill.js';
import { nextDue } from '../domain/engine/due.js';
import { type Effect, fold, reduceAll, startState } from '../domain/engine/reduce.js';
import type { DrillState } from '../domain/engine/state.js';
import { issuesText } from '../domain/problem.js';
import { LogEntry, type NewEntry, type Participant } from '../domain/schema/log.js';
import type { EventLogStore } from '../store/store.js';
import { DrillClock, type TimerHandle, type WallClock } from './clock.js';

/**
 * Receives every entry, with the drill's state after it: once durable, or, for a batch of
 * injects only (nothing in it awaits an acknowledgement), once written and before durable.
 */
export interface DrillListener {
  entries(runner: DrillRunner, entries: readonly LogEntry[], effects: readonly Effect[]): void;
  ended?(runner: DrillRunner): void;
  /** The drill's log could not be written: the runner takes nothing more until restarted. */
  failed?(runner: DrillRunner, error: Error): void;
}

export interface RunnerOptions {
  drillId: string;
  drill: Drill;
  store: EventLogStore;
  wall: WallClock;
  /** Drill ms per wall ms. */
  scale: number;
  listener: DrillListener;
}

/** A participant's action as it arrives, before the log stamps it. */
export interface ActionInput {
  id?: string;
  role: string;
  person?: string;
  action: string;
  channel?: string;
  to?: string[];
  text?: string;
  fields?: Record<string, string>;
  ref?: number;
  recordedBy?: string;
  medium?: string;
  /** Drill time it happened, for an evaluator's off-platform record; default now. */
  t?: number;
}

interface Pending {
  entry: NewEntry & { t: number };
  resolve: (entry: LogEntry) => void;
  reject: (error: Error) => void;
}

/** Thrown for input the drill cannot take: the message says what and where. */
export class DrillInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Entries nobody waits to have acknowledged: a batch made only of these is announced once it is
 * written to the log file (it survives a crash of the process), without waiting for its sync.
 */
const SENT_ONCE_WRITTEN: ReadonlySet<LogEntry['type']> = new Set(['inject-delivered']);

/** What a sender is told when the drill's log cannot be written. */
const storageFailed = () =>
  new DrillInputError(
    'storage-failed',
    "not recorded: the server cannot write this drill's log; nothing more is taken until it is restarted",
  );

/**
 * One live drill: its state, its drill clock and its timers. Everything that happens goes
 * through the log: an entry is written durably, then folded into the state, then announced. An
 * action is acknowledged only once durable; a resend (same client id) is answered with the
 * first one's sequence number and not applied twice. Entries queued while a write is in flight
 * go out together in the next write. A batch of injects only is folded and announced as soon as
 * it is written, before its sync: an inject is not held up by the disk (see docs/storage.md).
 */
export class DrillRunner {
  readonly drillId: string;
  readonly drill: Drill;
  readonly clock: DrillClock;
  /** Every durable entry of the drill, in order (for replaying what a client missed). */
  readonly entries: LogEntry[] = [];
  private stateValue: DrillState;
  private readonly queue: Pending[] = [];
  private writing = false;
  private timer?: TimerHandle;
  private failed?: Error;
  private readonly inFlightIds = new Map<string, Promise<LogEntry>>();
  private disposed = false;
  private catchingUp = false;
  private idleWaiters: (() => void)[] = [];

  private constructor(
    private readonly options: RunnerOptions,
    state: DrillState,
    elapsed: number,
  ) {
    this.drillId = options.drillId;
    this.drill = options.drill;
    this.stateValue = state;
    this.clock = new DrillClock(options.wall, options.scale, elapsed);
  }

  get state(): DrillState {
    return this.stateValue;
  }

  /** Starts a drill now: writes its first entry and sets the clock going. */
  static async begin(
    options: RunnerOptions,
    started: {
      participants: Participant[];
      hashes: { manual: string; scenario: string };
      seed?: number;
    },
  ): Promise<DrillRunner> {
    const runner = new DrillRunner(options, startState(options.drill), 0);
    runner.clock.start();
    const { drill } = options;
    await runner.write({
      type: 'drill-started',
      t: 0,
      drill: options.drillId,
      manual: { id: drill.manual.id, version: drill.manual.version, hash: started.hashes.manual },
      scenario: {
        id: drill.scenario.id,
        version: drill.scenario.version,
        hash: started.hashes.scenario,
      },
      seed: started.seed,
      participants: started.participants,
    });
    return runner;
  }

  /**
   * Takes up a drill after a restart from its log. A running drill's clock resumes as if it had
   * run through the outage: what fell due meanwhile fires now, once each, in order.
   */
  static async recover(options: RunnerOptions, entries: readonly LogEntry[]): Promise<DrillRunner> {
    const state = fold(options.drill, entries);
    const last = entries.at(-1);
    const lastWall = last?.at ? Date.parse(last.at) : options.wall.now();
    const outage =
      state.status === 'running' ? Math.max(0, options.wall.now() - lastWall) * options.scale : 0;
    const runner = new DrillRunner(options, state, (last?.t ?? 0) + Math.floor(outage));
    runner.entries.push(...entries);
    if (state.status === 'running') runner.clock.start();
    await runner.catchUp();
    return runner;
  }

  /** Records a participant's (or an evaluator's) action; resolves with its entry once durable. */
  async act(input: ActionInput): Promise<{ entry: LogEntry; duplicate: boolean }> {
    this.assertOpen();
    if (input.id) {
      const seq = this.stateValue.actionIds.get(input.id);
      const known =
        seq === undefined
          ? undefined
          : this.stateValue.actions.find((a) => a.entry.seq === seq)?.entry;
      if (known) return { entry: known, duplicate: true };
      const inFlight = this.inFlightIds.get(input.id);
      if (inFlight) return { entry: await inFlight, duplicate: true };
    }
    const { t, ...rest } = input;
    const now = this.clock.now();
    const promise = this.write({
      type: 'action',
      ...rest,
      fields: input.fields ?? {},
      t: Math.min(t ?? now, now),
    });
    if (input.id) this.inFlightIds.set(input.id, promise);
    try {
      return { entry: await promise, duplicate: false };
    } finally {
      if (input.id) this.inFlightIds.delete(input.id);
    }
  }

  /** Pauses the drill clock: nothing falls due until it resumes. `real-incident` freezes it for a real one. */
  async pause(by?: string, reason?: string): Promise<LogEntry> {
    this.assertOpen();
    if (this.stateValue.status !== 'running')
      throw new DrillInputError('not-running', 'the drill is not running');
    const entry = await this.write({ type: 'paused', t: this.clock.now(), by, reason });
    this.clock.pause();
    this.timer?.cancel();
    return entry;
  }

  async resume(by?: string): Promise<LogEntry> {
    this.assertOpen();
    if (this.stateValue.status !== 'paused')
      throw new DrillInputError('not-paused', 'the drill is not paused');
    this.clock.start();
    return this.write({ type: 'resumed', t: this.clock.now(), by });
  }

  /** Ends the drill now (`facilitator`) or abandons it (`aborted`). */
  async end(reason: 'facilitator' | 'aborted', by?: string): Promise<LogEntry> {
    this.assertOpen();
    return this.write({ type: 'ended', t: this.clock.now(), reason, by });
  }

  /** A facilitator's inject, written during the drill, to chosen roles. */
  async injectAdHoc(
    inject: { to: string[]; title: string; text: string },
    by?: string,
  ): Promise<LogEntry> {
    this.assertOpen();
    for (const role of inject.to)
      if (!this.drill.roles.has(role))
        throw new DrillInputError('unknown-role', `unknown role '${role}'`);
    const n = this.stateValue.injects.filter((i) => i.adHoc).length + 1;
    void by;
    return this.write({
      type: 'inject-delivered',
      t: this.clock.now(),
      inject: `ad-hoc-${n}`,
      adHoc: inject,
    });
  }

  /** An evaluator's note or verdict override. */
  async record(entry: Extract<NewEntry, { type: 'note' | 'override' }>): Promise<LogEntry> {
    this.assertOpen(true);
    return this.write({ ...entry, t: this.clock.now() } as NewEntry & { t: number });
  }

  /** Stops timers; the runner takes nothing more. */
  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
    this.clock.pause();
  }

  /** Why the drill takes nothing more: its log could not be written (undefined while it can). */
  get failure(): Error | undefined {
    return this.failed;
  }

  private assertOpen(allowEnded = false) {
    if (this.failed) throw storageFailed();
    if (this.disposed) throw new DrillInputError('closed', 'the drill is closed');
    if (!allowEnded && this.stateValue.status === 'ended')
      throw new DrillInputError('ended', 'the drill has ended');
  }

  /** Queues an entry; it is written with whatever else is queued, then folded and announced. */
  private write(entry: NewEntry & { t: number }): Promise<LogEntry> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.queue.length) {
      // An entry the log cannot hold is refused on its own; the rest of the batch goes on.
      const batch: Pending[] = [];
      const entries: LogEntry[] = [];
      const at = new Date(this.options.wall.now()).toISOString();
      for (const p of this.queue.splice(0)) {
        const parsed = LogEntry.safeParse({
          ...p.entry,
          seq: this.stateValue.seq + batch.length + 1,
          at,
        });
        if (!parsed.success) {
          p.reject(new DrillInputError('bad-request', issuesText(parsed.error.issues, 'entry')));
          continue;
        }
        batch.push(p);
        entries.push(parsed.data);
      }
      if (!entries.length) continue;
      let announced = false;
      let listenerError: unknown;
      const announce = () => {
        if (announced) return;
        announced = true;
        this.entries.push(...entries);
        const { state, effects } = reduceAll(this.drill, this.stateValue, entries);
        this.stateValue = state;
        try {
          this.options.listener.entries(this, entries, effects);
        } catch (error) {
          listenerError = error;
        }
      };
      const early = entries.every((e) => SENT_ONCE_WRITTEN.has(e.type));
      try {
        await this.options.store.append(
          this.drillId,
          entries,
          early ? { onWritten: announce } : undefined,
        );
      } catch (error) {
        // Nothing of this batch is acknowledged; the drill takes nothing more until restarted.
        // Senders get one clear reason; the cause (a path, an errno) goes to the server's log.
        // A batch of injects may already have been announced: participants saw what the log
        // does not hold (docs/storage.md).
        this.failed = error instanceof Error ? error : new Error(String(error));
        for (const p of [...batch, ...this.queue.splice(0)]) p.reject(storageFailed());
        this.options.listener.failed?.(this, this.failed);
        break;
      }
      // Durable: the senders are answered, and what is not announced yet is folded and announced
      // now (their acks follow the fan-out, a few microtasks later).
      for (const [i, p] of batch.entries()) p.resolve(entries[i] as LogEntry);
      announce();
      if (listenerError) throw listenerError;
      if (this.stateValue.status === 'ended') {
        this.timer?.cancel();
        this.clock.pause();
        this.options.listener.ended?.(this);
      } else this.arm();
    }
    this.writing = false;
    this.settle();
  }

  /** Whether something is queued or being written. */
  get busy(): boolean {
    return this.writing || this.catchingUp || this.queue.length > 0;
  }

  /** Resolves once nothing is queued or being written (tests and shutdown wait for it). */
  idle(): Promise<void> {
    if (!this.writing && !this.catchingUp && !this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private settle() {
    if (this.writing || this.catchingUp || this.queue.length) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Sets the one timer for the next thing the scenario makes due. */
  private arm() {
    // While catching up, the catch-up sets the timer when it is done: a timer set now would see
    // an inject already being written as still due, and write it twice.
    if (this.catchingUp) return;
    this.timer?.cancel();
    const due = nextDue(this.drill, this.stateValue);
    if (!due || this.disposed || !this.clock.running) return;
    this.timer = this.clock.at(due.t, () => void this.catchUp());
  }

  /** Writes everything due by now, in order, each once. */
  private async catchUp(): Promise<void> {
    if (this.disposed || this.failed || this.catchingUp) return;
    this.catchingUp = true;
    try {
      for (;;) {
        const due = nextDue(this.drill, this.stateValue);
        const now = this.clock.now();
        if (!due || due.t > now || !this.clock.running || this.failed) break;
        await this.write({ ...due.entry, t: now });
      }
    } catch {
      // The write failed: `failed` is set and every later action is refused loudly.
    } finally {
      this.catchingUp = false;
    }
    this.arm();
    this.settle();
  }
}
