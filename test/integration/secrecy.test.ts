import { expect } from 'chai';
import { audienceOf } from '../../server/domain/engine/audience.js';
import { T0 } from '../helpers/server.js';
import { describeLeak, leaks, momentForms, SCORE_KEYS, STARTS_IN } from './secrecy-scan.js';
import { playWholeDrill, ROLES, type SecrecyWorld } from './secrecy-world.js';

/*
 * Secrecy over a whole drill (see secrecy-world.ts for how it is played and what is kept):
 * everything each participant received is scanned for other roles' injects, per-person scores,
 * and the surprise drill's moment in any form.
 */

const MIN = 60_000;

describe('secrecy over a whole drill', function () {
  this.timeout(60_000);
  let w: SecrecyWorld;
  before(async () => {
    w = await playWholeDrill();
  });
  after(async () => {
    for (const { client } of w?.observers ?? []) client.close();
    await w?.t.stop();
  });

  it('had secrets to keep: injects for every role, per-person scores, a drawn surprise moment', () => {
    for (const role of new Set(ROLES))
      expect(
        w.injects.filter((i) => i.to.includes(role)),
        role,
      ).to.not.be.empty;
    expect(w.injects.filter((i) => i.adHoc)).to.have.lengthOf(5);
    expect(w.persons.every((p) => typeof p.score === 'number')).to.equal(true);
    expect(Date.parse(w.surprise.dueAt)).to.be.greaterThan(T0 + 26 * 60 * MIN);
    // Every participant saw their own injects: the scan reads real traffic.
    for (const { role, person } of w.links.filter(
      (l, i) => w.links.findIndex((m) => m.role === l.role) === i,
    )) {
      const mine = w.received
        .filter((r) => r.person === person)
        .map((r) => r.text)
        .join('\n');
      for (const inject of w.injects.filter((i) => i.to.includes(role)))
        expect(mine, `${role} sees '${inject.title}'`).to.include(
          JSON.stringify(inject.title).slice(1, -1),
        );
    }
  });

  it('finds those secrets where a facilitator may see them: the scan can see what it looks for', () => {
    const forms = leaks(w.staffSees, () => momentForms(Date.parse(w.surprise.dueAt), 'Asia/Seoul'));
    expect(forms.map((l) => l.form)).to.include('ISO');
    const scores = leaks(w.staffSees, () =>
      w.persons.filter((p) => !Number.isInteger(p.score)).map((p) => ['score', String(p.score)]),
    );
    expect(scores).to.not.be.empty;
    expect(w.staffSees.some((r) => SCORE_KEYS.test(r.text))).to.equal(true);
  });

  it('sends each participant exactly the injects audienceOf() gives their role, no other', () => {
    // Only the delivered injects matter to audienceOf() for an inject entry.
    const state = { injects: w.injects } as Parameters<typeof audienceOf>[1];
    const drill = w.t.server.library.resolve('kakao-pangyo-fire')?.drill as Parameters<
      typeof audienceOf
    >[0];
    for (const { link, client } of w.observers) {
      const got = client
        .events()
        .filter((e) => e.type === 'inject-delivered')
        .map((e) => e.seq);
      const due = w.log
        .filter(
          (e) => e.type === 'inject-delivered' && audienceOf(drill, state, e).includes(link.role),
        )
        .map((e) => e.seq);
      expect(got, `${link.role} ${link.person}`).to.deep.equal(due);
    }
  });

  it('shows no participant an inject addressed only to other roles, nor one never delivered', () => {
    const others = (s: string) =>
      w.injects
        .filter((i) => i.title === s || i.text === s)
        .map((i) => i.to.join('+'))
        .join(', ');
    // Injects the drill never delivered (a condition that did not happen) reach nobody.
    const drill = w.t.server.library.resolve('kakao-pangyo-fire')?.drill;
    const undelivered = [...(drill?.injects.values() ?? [])].filter(
      (i) => !w.injects.some((d) => d.inject === i.id),
    );
    const found = leaks(w.received, (r) =>
      w.injects
        .filter((i) => !i.to.includes(r.role))
        .flatMap((i) => [i.title, i.text])
        // A line that some inject of their own also carries is theirs to see.
        .filter(
          (s) =>
            s.length >= 12 &&
            !w.injects.some(
              (i) => i.to.includes(r.role) && (i.title.includes(s) || i.text.includes(s)),
            ),
        )
        .map((s) => [`an inject to ${others(s)}`, JSON.stringify(s).slice(1, -1)]),
    );
    const never = leaks(w.received, () =>
      undelivered
        .flatMap((i) => [i.title, i.text])
        .filter((s) => s.length >= 12)
        .map(
          (s) => ['an inject never delivered', JSON.stringify(s).slice(1, -1)] as [string, string],
        ),
    );
    expect([...found, ...never].map(describeLeak).join('\n')).to.equal('');
  });

  it('shows no participant a score, nor anyone’s per-person score in any form', () => {
    const keyed = w.received.filter((r) => SCORE_KEYS.test(r.text));
    expect(keyed.map((r) => `${r.role} ${r.what}: ${r.text.match(SCORE_KEYS)?.[0]}`)).to.deep.equal(
      [],
    );
    // Whole numbers (100, 70) are everywhere in drill text; a score with a fraction is its own.
    const distinct = w.persons.filter((p) => !Number.isInteger(p.score));
    expect(distinct.length, 'scores with a fraction, thanks to the faults').to.be.at.least(2);
    const found = leaks(w.received, () =>
      distinct.flatMap((p) =>
        [
          String(p.score),
          p.score.toFixed(1),
          (p.score / 100).toFixed(3),
          (p.score / 100).toFixed(2),
        ].map((form) => [`${p.name ?? p.person}'s score`, form] as [string, string]),
      ),
    );
    expect(found.map(describeLeak).join('\n')).to.equal('');
  });

  it('answers each person’s own link to the surprise drill like a link nobody was given', () => {
    const early = w.received.filter((r) => r.what.includes('surprise'));
    expect(early).to.have.lengthOf(w.links.length * 5 * 3);
    for (const r of early)
      if (r.what.startsWith('socket')) expect(r.text, r.what).to.equal('refused: 404');
      else expect(r.what, r.text).to.match(/, 404\)$/);
  });

  it('shows no participant when the surprise drill starts, in any form, nor that it exists', () => {
    const due = Date.parse(w.surprise.dueAt);
    const found = leaks(w.received, () => [
      ...momentForms(due, 'Asia/Seoul'),
      ...momentForms(due, 'UTC').slice(5),
      ['window start', w.surprise.window.from],
      ['window end', w.surprise.window.to],
      ['surprise drill id', w.surprise.id],
      ['surprise drill title', w.surprise.title],
    ]);
    expect(found.map(describeLeak).join('\n')).to.equal('');
    expect(
      w.received.filter((r) => STARTS_IN.test(r.text)).map((r) => `${r.role} ${r.what}`),
    ).to.deep.equal([]);
  });
});
