import { v4 as uuid } from 'uuid';
import type { LogEntry, NewEntry, Participant } from '../domain/schema/log.js';
import type { CatalogueData, DrillRecord } from '../store/catalogue-schema.js';
import type { CatalogueStore, EventLogStore } from '../store/store.js';
import { BotDriver } from './bots/driver.js';
import type { TimerHandle, WallClock } from './clock.js';
import type { DrillLibrary } from './drill-library.js';
import { type DrillRequest, planDrill } from './drill-plan.js';
import { DrillInputError, type DrillListener, DrillRunner } from './drill-runner.js';
import { type IssuedLink, JoinLinks } from './join-links.js';
import { checkEvaluatorEntry, LateEntries } from './late-entries.js';
import type { Random } from './random.js';
import { startDecision } from './schedule-policy.js';

/** Someone to tell that a drill they are on has started. */
export interface Pager {
  page(
    person: CatalogueData['people'][number],
    message: { drillId: string; title: string; joinUrl: string },
  ): Promise<void>;
}

export interface ServiceOptions {
  catalogue: CatalogueStore;
  logs: EventLogStore;
  library: DrillLibrary;
  wall: WallClock;
  random: Random;
  /** Told of every entry of every live drill (the hub), and of each drill's end. */
  listener: DrillListener;
  pager?: Pager;
  /** Base URL of the server, for join links in pages. */
  baseUrl: string;
  /** Called when a link is revoked or a drill archived, to close its sockets. */
  onRevoke?(drillId: string, linkId?: string): void;
}

export type { DrillRequest } from './drill-plan.js';
export type { IssuedLink } from './join-links.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Schedules, starts, runs and recovers drills: the one place where the catalogue, the drill
 * logs, the clock and the live runners meet. Every timer it sets is on the wall clock it is
 * given, so tests drive it by hand.
 */
export class DrillService {
  private readonly runners = new Map<string, DrillRunner>();
  private readonly bots = new Map<string, BotDriver>();
  private readonly timers = new Map<string, TimerHandle>();
  /** Drills that fell due and are being started (or marked missed) right now. */
  private readonly falling = new Set<Promise<void>>();
  private readonly links: JoinLinks;
  private readonly late: LateEntries;

  constructor(private readonly options: ServiceOptions) {
    this.links = new JoinLinks(options);
    this.late = new LateEntries(options);
  }

  runner(drillId: string): DrillRunner | undefined {
    return this.runners.get(drillId);
  }

  record(drillId: string): DrillRecord | undefined {
    return this.options.catalogue.read().drills.find((d) => d.id === drillId);
  }

  /** Schedules a drill and makes a join link for each person on it. */
  async create(
    request: DrillRequest,
    by?: string,
  ): Promise<{ drill: DrillRecord; links: IssuedLink[] }> {
    const resolved = this.options.library.resolve(request.scenario);
    if (!resolved)
      throw new DrillInputError(
        'unknown-scenario',
        `scenario: unknown scenario '${request.scenario}'`,
      );
    const id = uuid();
    const record = planDrill(request, {
      id,
      resolved,
      people: new Set(this.options.catalogue.read().people.map((p) => p.id)),
      now: this.options.wall.now(),
      random: this.options.random,
      by,
    });
    const minted = record.assignments
      .filter((a) => !a.bot)
      .map((a) => ({ a, ...this.links.mint(id, a.role, a.personId) }));
    const joinLinks = minted.map((m) => m.link);
    const links: IssuedLink[] = minted.map(({ a, link, url }) => ({
      id: link.id,
      role: a.role,
      personId: a.personId,
      url,
    }));
    await this.options.catalogue.update((data) => {
      data.drills.push(record);
      data.joinLinks.push(...joinLinks);
    });
    if (request.mode === 'now') await this.start(id);
    else this.arm(record);
    return { drill: this.record(id) ?? record, links };
  }

  /** Takes up every drill after a start: running ones resume, due ones start or are missed. */
  async recover(): Promise<void> {
    for (const record of this.options.catalogue.read().drills) {
      if (record.status === 'running' || record.status === 'paused' || record.status === 'stopped')
        await this.resumeRunning(record);
      else if (record.status === 'scheduled') await this.recoverScheduled(record);
    }
  }

  /**
   * A crash between a drill's first log entry and the catalogue's 'running' leaves a scheduled
   * drill with a log: it did start, so it resumes instead of starting a second time over it.
   */
  private async recoverScheduled(record: DrillRecord) {
    const [first] = (await this.options.logs.read(record.id)).entries;
    if (!first) return this.arm(record);
    await this.resumeRunning(record);
    if (!this.runners.has(record.id)) return;
    await this.options.catalogue.update((data) => {
      const d = data.drills.find((x) => x.id === record.id);
      if (d) Object.assign(d, { status: 'running', startedAt: first.at });
    });
  }

  private arm(record: DrillRecord) {
    this.timers.get(record.id)?.cancel();
    const wait = Math.max(0, Date.parse(record.dueAt ?? '') - this.options.wall.now());
    this.timers.set(
      record.id,
      this.options.wall.after(wait, () => {
        // Held until it settles, so that settled() waits for a start under way too.
        const due = this.due(record.id).finally(() => this.falling.delete(due));
        this.falling.add(due);
      }),
    );
  }

  /** A scheduled drill fell due: start it, or mark it missed with the reason. */
  private async due(drillId: string): Promise<void> {
    this.timers.delete(drillId);
    const record = this.record(drillId);
    if (record?.status !== 'scheduled') return;
    const decision = startDecision({
      dueAt: Date.parse(record.dueAt ?? ''),
      now: this.options.wall.now(),
      lateStartMinutes: record.lateStartMinutes,
      allowedHours: record.allowedHours,
      blackoutDates: record.blackoutDates,
    });
    if (decision.action === 'wait') return this.arm(record);
    if (decision.action === 'miss') {
      await this.setStatus(drillId, 'missed', decision.reason);
      return;
    }
    // Nobody awaits a timer: a start that fails (its log cannot be written) is marked on the
    // drill instead of becoming an unhandled rejection that would stop the server.
    await this.start(drillId).catch((error: Error) =>
      this.setStatus(drillId, 'missed', `it could not start: ${error.message}`).catch(
        () => undefined,
      ),
    );
  }

  /** Starts a scheduled drill now. */
  async start(drillId: string): Promise<DrillRunner> {
    const record = this.record(drillId);
    if (!record) throw new DrillInputError('unknown-drill', `unknown drill '${drillId}'`);
    if (record.status !== 'scheduled')
      throw new DrillInputError('not-scheduled', `the drill is ${record.status}, not scheduled`);
    this.cancelTimer(drillId);
    const resolved = this.options.library.resolveRecord(record);
    if (!resolved)
      throw new DrillInputError(
        'unknown-scenario',
        `scenario '${record.scenario.id}' is no longer in the library`,
      );
    const people = new Map(this.options.catalogue.read().people.map((p) => [p.id, p]));
    const participants: Participant[] = record.assignments.map((a) => ({
      person: a.personId ?? `bot-${a.role}`,
      role: a.role,
      name: a.personId ? people.get(a.personId)?.name : undefined,
      bot: a.bot || undefined,
    }));
    const runner = await DrillRunner.begin(this.runnerOptions(record, resolved.drill), {
      participants,
      hashes: { manual: resolved.manual.hash, scenario: resolved.scenario.hash },
    });
    this.runners.set(drillId, runner);
    this.startBots(record, runner);
    await this.options.catalogue.update((data) => {
      const d = data.drills.find((x) => x.id === drillId);
      if (d) Object.assign(d, { status: 'running', startedAt: iso(this.options.wall.now()) });
    });
    void this.page(record);
    return runner;
  }

  private runnerOptions(record: DrillRecord, drill: DrillRunner['drill']) {
    const listener: DrillListener = {
      entries: (runner, entries, effects) => {
        this.options.listener.entries(runner, entries, effects);
        this.bots.get(runner.drillId)?.entries();
      },
      ended: (runner) => void this.finished(runner),
      failed: (runner, error) => this.options.listener.failed?.(runner, error),
    };
    return {
      drillId: record.id,
      drill,
      store: this.options.logs,
      wall: this.options.wall,
      scale: record.timeScale,
      listener,
    };
  }

  private startBots(record: DrillRecord, runner: DrillRunner) {
    const roles = record.assignments.filter((a) => a.bot).map((a) => a.role);
    if (roles.length)
      this.bots.set(record.id, new BotDriver(runner, roles, { seed: 1, faults: [] }));
    this.bots.get(record.id)?.entries();
  }

  private async resumeRunning(record: DrillRecord) {
    const resolved = this.options.library.resolveRecord(record);
    if (!resolved)
      return this.setStatus(
        record.id,
        'aborted',
        `scenario '${record.scenario.id}' is no longer in the library`,
      );
    const { entries } = await this.options.logs.read(record.id);
    const runner = await DrillRunner.recover(this.runnerOptions(record, resolved.drill), entries);
    if (runner.state.status === 'ended') {
      // The crash came between the log's 'ended' and the catalogue's.
      runner.dispose();
      return this.setStatus(record.id, runner.state.endReason === 'aborted' ? 'aborted' : 'ended');
    }
    this.runners.set(record.id, runner);
    this.startBots(record, runner);
    // The crash came between the log's pause, stop or resume and the catalogue's.
    const paused = [...runner.entries].reverse().find((e) => e.type === 'paused');
    const status =
      runner.state.status === 'running'
        ? 'running'
        : paused?.type === 'paused' && paused.reason === 'real-incident'
          ? 'stopped'
          : 'paused';
    if (status !== record.status)
      await this.setStatus(record.id, status, status === 'stopped' ? 'real incident' : undefined);
  }

  /** A drill ended: everything held for it is let go (timers, bots, runner, standby links). */
  private async finished(runner: DrillRunner) {
    this.bots.get(runner.drillId)?.dispose();
    this.bots.delete(runner.drillId);
    runner.dispose();
    this.runners.delete(runner.drillId);
    this.cancelTimer(runner.drillId);
    this.links.release(runner.drillId);
    this.options.listener.ended?.(runner);
    const reason = runner.state.endReason === 'aborted' ? 'aborted' : 'ended';
    await this.options.catalogue.update((data) => {
      const d = data.drills.find((x) => x.id === runner.drillId);
      if (d) Object.assign(d, { status: reason, endedAt: iso(this.options.wall.now()) });
    });
  }

  /** Freezes a drill for a real incident: tells everyone, and records who and why. */
  async stop(drillId: string, by: string, reason?: string): Promise<void> {
    const runner = this.runners.get(drillId);
    if (!runner) throw new DrillInputError('not-running', 'the drill is not running');
    if (runner.state.status === 'running') await runner.pause(by, 'real-incident');
    await this.setStatus(drillId, 'stopped', reason ? `real incident: ${reason}` : 'real incident');
  }

  async pause(drillId: string, by?: string) {
    await this.live(drillId).pause(by);
    await this.setStatus(drillId, 'paused');
  }

  async resume(drillId: string, by?: string) {
    await this.live(drillId).resume(by);
    await this.setStatus(drillId, 'running');
  }

  async end(drillId: string, reason: 'facilitator' | 'aborted', by?: string) {
    const record = this.record(drillId);
    if (record?.status === 'scheduled') {
      this.cancelTimer(drillId);
      return this.setStatus(
        drillId,
        'aborted',
        `cancelled before it started${by ? ` by ${by}` : ''}`,
      );
    }
    await this.live(drillId).end(reason, by);
  }

  /** Revokes a join link and takes its person off the drill (see JoinLinks.revoke). */
  revokeLink(drillId: string, linkId: string): Promise<void> {
    return this.links.revoke(drillId, linkId);
  }

  /** True when the person was taken off the drill by a revoked link. */
  isRevoked(drillId: string, personId: string): boolean {
    return this.links.isRevoked(drillId, personId);
  }

  /**
   * Records an evaluator's note, override or off-platform action. While the drill runs, through
   * its runner; after it ended (the hot wash), appended to its log with the next sequence number
   * at the drill's final time — an off-platform action keeps the time it happened.
   */
  async annotate(drillId: string, entry: NewEntry & { t?: number }): Promise<LogEntry> {
    const runner = this.runners.get(drillId);
    if (runner) {
      checkEvaluatorEntry(runner.drill, runner.state.seq, entry);
      if (entry.type === 'action') return (await runner.act(entry)).entry;
      if (entry.type === 'note' || entry.type === 'override') return runner.record(entry);
    }
    const record = this.record(drillId);
    if (!record || !['ended', 'aborted', 'stopped'].includes(record.status))
      throw new DrillInputError('not-running', 'the drill has not started yet');
    const resolved = this.options.library.resolveRecord(record);
    if (!resolved)
      throw new DrillInputError('unknown-scenario', `scenario '${record.scenario.id}' is gone`);
    return this.late.append(drillId, resolved.drill, entry);
  }

  /** Archives a finished drill: its sockets close and its links open nothing any more. */
  async archive(drillId: string): Promise<void> {
    const record = this.record(drillId);
    if (!record) throw new DrillInputError('unknown-drill', `unknown drill '${drillId}'`);
    if (this.runners.has(drillId))
      throw new DrillInputError('not-ended', 'end the drill before archiving it');
    this.cancelTimer(drillId);
    await this.options.catalogue.update((data) => {
      const d = data.drills.find((x) => x.id === drillId);
      if (d) d.archivedAt = iso(this.options.wall.now());
    });
    this.options.onRevoke?.(drillId);
  }

  private cancelTimer(drillId: string) {
    this.timers.get(drillId)?.cancel();
    this.timers.delete(drillId);
  }

  /** Which of the service's maps still hold something for a drill (none once it ended). */
  heldFor(drillId: string): string[] {
    const held: [string, boolean][] = [
      ['runners', this.runners.has(drillId)],
      ['bots', this.bots.has(drillId)],
      ['timers', this.timers.has(drillId)],
      ['late entries', this.late.holds(drillId)],
      ['standby links', this.links.holds(drillId)],
    ];
    return held.filter(([, holds]) => holds).map(([name]) => name);
  }

  live(drillId: string): DrillRunner {
    const runner = this.runners.get(drillId);
    if (!runner) throw new DrillInputError('not-running', 'the drill is not running');
    return runner;
  }

  private async setStatus(drillId: string, status: DrillRecord['status'], reason?: string) {
    await this.options.catalogue.update((data) => {
      const d = data.drills.find((x) => x.id === drillId);
      if (d) Object.assign(d, { status, statusReason: reason });
    });
  }

  /** The join link a person's standby page opens for a live drill they are on. */
  standbyJoinUrl(drillId: string, personId: string): Promise<string> {
    const role = this.record(drillId)?.assignments.find((a) => a.personId === personId)?.role;
    return this.links.standbyUrl(drillId, personId, role);
  }

  private async page(record: DrillRecord) {
    const { pager } = this.options;
    if (!pager) return;
    const people = this.options.catalogue.read().people;
    for (const a of record.assignments) {
      const person = people.find((p) => p.id === a.personId);
      if (!person) continue;
      // The page carries a fresh link for this drill only; the one made at scheduling still works.
      const joinUrl = await this.links.issue(record.id, a.role, person.id);
      await pager
        .page(person, { drillId: record.id, title: record.title, joinUrl })
        .catch(() => undefined);
    }
  }

  /**
   * Resolves once every drill that fell due has started (or been marked missed), every live
   * drill has written what it queued and every bot has acted on what it knows: tests that drive
   * the clock by hand wait for it between steps.
   */
  async settled(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      // A drill being started has no runner yet: its start is waited for first.
      await Promise.all(this.falling);
      const busy = [...this.runners.values()].map((r) => r.idle());
      const thinking = [...this.bots.values()].map((b) => b.idle());
      await Promise.all([...busy, ...thinking]);
      await new Promise((resolve) => setImmediate(resolve));
      const still =
        this.falling.size > 0 ||
        [...this.runners.values()].some((r) => r.busy) ||
        [...this.bots.values()].some((b) => b.busy);
      if (!still) return;
    }
  }

  /** Stops every timer and runner (shutdown). */
  close(): void {
    for (const t of this.timers.values()) t.cancel();
    for (const b of this.bots.values()) b.dispose();
    for (const r of this.runners.values()) r.dispose();
  }
}
