import { buildContext } from '../../domain/scoring/context.js';
import { judgeSteps } from '../../domain/scoring/steps.js';
import type { TimerHandle } from '../clock.js';
import type { DrillRunner } from '../drill-runner.js';
import { type BotOptions, decide } from './bot.js';

/**
 * Plays roles no person fills in a live drill: after each new entry, and when a bot's reaction
 * time runs out, each bot decides and acts through the runner like any participant.
 */
export class BotDriver {
  private timer?: TimerHandle;
  private thinking = false;
  private again = false;
  private disposed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly runner: DrillRunner,
    private readonly roles: readonly string[],
    private readonly options: BotOptions,
  ) {}

  /** New entries arrived: think again (once, however many arrive meanwhile). */
  entries(): void {
    if (this.disposed) return;
    if (this.thinking) {
      this.again = true;
      return;
    }
    void this.think();
  }

  get busy(): boolean {
    return this.thinking;
  }

  /** Resolves once the bots have finished thinking and acting on what they know. */
  idle(): Promise<void> {
    if (!this.thinking) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
  }

  private async think(): Promise<void> {
    this.thinking = true;
    try {
      do {
        this.again = false;
        if (this.disposed || this.runner.state.status !== 'running') return;
        const { drill } = this.runner;
        const now = this.runner.clock.now();
        const ctx = buildContext(drill, this.runner.entries, now);
        const judged = judgeSteps(ctx);
        const situation = { drill, ctx, steps: judged.steps, completions: judged.completions, now };
        const decisions = this.roles.map((role) => decide(situation, role, this.options));
        for (const draft of decisions.flatMap((d) => d.actions))
          await this.runner.act(draft).catch(() => undefined);
        const wake = Math.min(...decisions.map((d) => d.wakeAt ?? Number.POSITIVE_INFINITY));
        this.timer?.cancel();
        if (Number.isFinite(wake) && !this.disposed)
          this.timer = this.runner.clock.at(wake, () => this.entries());
      } while (this.again);
    } finally {
      this.thinking = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }
}
