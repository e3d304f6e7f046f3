import { expect } from 'chai';
import { DrillClock, ManualClock } from '../../../server/runtime/clock.js';

describe('ManualClock', () => {
  it('fires timers due by the new time, in time order, each at its own moment', () => {
    const wall = new ManualClock(1_000);
    const seen: string[] = [];
    wall.after(300, () => seen.push(`b@${wall.now()}`));
    wall.after(100, () => seen.push(`a@${wall.now()}`));
    const cancelled = wall.after(200, () => seen.push('cancelled'));
    cancelled.cancel();
    wall.advance(250);
    expect(seen).to.deep.equal(['a@1100']);
    wall.advance(50);
    expect(seen).to.deep.equal(['a@1100', 'b@1300']);
    expect(wall.pending()).to.equal(0);
  });

  it('fires a timer set by a timer within the same advance', () => {
    const wall = new ManualClock();
    const seen: number[] = [];
    wall.after(10, () => wall.after(10, () => seen.push(wall.now())));
    wall.advance(30);
    expect(seen).to.deep.equal([20]);
  });
});

describe('DrillClock', () => {
  it('runs at its scale and stands still while paused', () => {
    const wall = new ManualClock(5_000);
    const drill = new DrillClock(wall, 10);
    expect(drill.now()).to.equal(0);
    drill.start();
    wall.advance(1_000);
    expect(drill.now()).to.equal(10_000);
    drill.pause();
    wall.advance(60_000);
    expect(drill.now()).to.equal(10_000);
    drill.start();
    wall.advance(500);
    expect(drill.now()).to.equal(15_000);
  });

  it('resumes from the drill time already run', () => {
    const wall = new ManualClock();
    const drill = new DrillClock(wall, 1, 90_000);
    drill.start();
    wall.advance(1_000);
    expect(drill.now()).to.equal(91_000);
  });

  it('fires a drill-time timer when drill time reaches it, never early', () => {
    const wall = new ManualClock();
    const drill = new DrillClock(wall, 4);
    drill.start();
    const fired: number[] = [];
    drill.at(60_000, () => fired.push(drill.now()));
    wall.advance(14_999);
    expect(fired).to.deep.equal([]);
    wall.advance(1);
    expect(fired).to.deep.equal([60_000]);
  });

  it('refuses a scale that is not positive', () => {
    expect(() => new DrillClock(new ManualClock(), 0)).to.throw('scale must be positive');
  });
});
