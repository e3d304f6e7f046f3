/**
 * The two time sources, kept apart. The wall clock drives infrastructure (heartbeats, write
 * batching, sessions, schedules); a drill clock drives scenario time and is derived from a wall
 * clock: real (scale 1), scaled (a demo at 10x) or virtual (tests advance it by hand). Nothing
 * else in the server reads the time or sets a timer.
 */

export interface TimerHandle {
  cancel(): void;
}

/** Wall time in epoch milliseconds, and timers on it. */
export interface WallClock {
  now(): number;
  /** Calls `fn` once `ms` have passed; never early. */
  after(ms: number, fn: () => void): TimerHandle;
}

/** The machine's clock. The one place that may call Date.now and setTimeout. */
export const systemClock: WallClock = {
  now: () => Date.now(),
  after(ms, fn) {
    const started = Date.now();
    let timer: NodeJS.Timeout;
    // Node timers can fire a millisecond early; re-arm until the full time has passed.
    const arm = (wait: number) => {
      timer = setTimeout(() => {
        const left = started + ms - Date.now();
        if (left > 0) arm(left);
        else fn();
      }, wait);
      timer.unref?.();
    };
    arm(Math.max(0, ms));
    return { cancel: () => clearTimeout(timer) };
  },
};

/**
 * A wall clock that moves only when told to: tests and simulations advance it, and timers due
 * by then fire in time order, each seeing `now()` at its own due time.
 */
export class ManualClock implements WallClock {
  private current: number;
  private timers: { at: number; order: number; fn: () => void; cancelled: boolean }[] = [];
  private order = 0;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  after(ms: number, fn: () => void): TimerHandle {
    const timer = { at: this.current + Math.max(0, ms), order: this.order++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
        // Let go of it now: its callback may hold a whole drill that has ended.
        this.timers = this.timers.filter((t) => t !== timer);
      },
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /** Moves time forward to `at`, firing every timer due by then, in order. */
  advanceTo(at: number): void {
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= at)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = Math.max(this.current, at);
  }

  /** When the next live timer falls due, if any. */
  nextTimer(): number | undefined {
    const live = this.timers.filter((t) => !t.cancelled).map((t) => t.at);
    return live.length ? Math.min(...live) : undefined;
  }

  /** Timers not yet fired or cancelled. */
  pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}

/**
 * A drill's own clock: milliseconds of scenario time since the drill started, not counting
 * pauses, at `scale` drill milliseconds per wall millisecond.
 */
export class DrillClock {
  private runningSince?: number;
  private elapsedBefore: number;

  /**
   * @param wall the wall clock it is derived from
   * @param scale drill ms per wall ms (1 real time, 10 a demo at 10x)
   * @param elapsed drill time already run (when resuming a drill after a restart)
   */
  constructor(
    private readonly wall: WallClock,
    readonly scale = 1,
    elapsed = 0,
  ) {
    if (!(scale > 0)) throw new Error(`a drill clock's scale must be positive, not ${scale}`);
    this.elapsedBefore = elapsed;
  }

  /** Drill time now. */
  now(): number {
    const running =
      this.runningSince === undefined ? 0 : (this.wall.now() - this.runningSince) * this.scale;
    return Math.floor(this.elapsedBefore + running);
  }

  get running(): boolean {
    return this.runningSince !== undefined;
  }

  start(): void {
    if (this.runningSince === undefined) this.runningSince = this.wall.now();
  }

  pause(): void {
    if (this.runningSince === undefined) return;
    this.elapsedBefore = this.now();
    this.runningSince = undefined;
  }

  /**
   * Calls `fn` when drill time reaches `drillMs`. Set it while the clock runs; whoever pauses the
   * clock cancels its timers and sets them again on resume (a drill runner owns its timers).
   */
  at(drillMs: number, fn: () => void): TimerHandle {
    let handle: TimerHandle | undefined;
    let cancelled = false;
    const arm = () => {
      if (cancelled) return;
      const left = drillMs - this.now();
      if (left <= 0) fn();
      else if (this.running) handle = this.wall.after(Math.ceil(left / this.scale), arm);
    };
    arm();
    return {
      cancel: () => {
        cancelled = true;
        handle?.cancel();
      },
    };
  }
}
