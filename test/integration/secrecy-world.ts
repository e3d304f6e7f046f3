import { expect } from 'chai';
import type { DeliveredInject } from '../../server/domain/engine/state.js';
import { LogEntry } from '../../server/domain/schema/log.js';
import { Fault } from '../../server/runtime/bots/faults.js';
import { SocketBots } from '../../server/runtime/bots/socket-bots.js';
import type { DrillRunner } from '../../server/runtime/drill-runner.js';
import {
  eventually,
  socketUrl,
  startTestServer,
  T0,
  TestClient,
  type TestServer,
} from '../helpers/server.js';
import type { Received } from './secrecy-scan.js';

/*
 * The drill the secrecy test scans: the Pangyo fire played start to end by bots over their own
 * sockets, ad-hoc injects for every role, a surprise drill scheduled for the same people, and
 * per-person scores on the finished drill. Kept: every socket message each participant got, a
 * replay after the end, and every answer of the routes a join or standby link opens, at the
 * start, mid-drill and after the end.
 */

const MIN = 60_000;
/** Slips, so that each person's score is a number of its own (perfect bots would all get 100). */
const FAULTS = [
  { kind: 'late', step: 'declare-incident', by: '7m' },
  { kind: 'promise-eta', role: 'operations-lead' },
  { kind: 'wrong-channel', step: 'notify-externally', channel: 'secondary-messenger' },
].map((f) => Fault.parse(f));
export const ROLES = ['control-tower', 'operator', 'operator', 'communicator', 'operations-lead'];

export interface Link {
  role: string;
  person: string;
  token: string;
  standby: string;
}

export interface SecrecyWorld {
  t: TestServer;
  drillId: string;
  links: Link[];
  surprise: { id: string; title: string; dueAt: string; window: { from: string; to: string } };
  /** Every inject the drill delivered, as the runner last held them. */
  injects: DeliveredInject[];
  persons: { person: string; name?: string; score: number }[];
  log: LogEntry[];
  received: Received[];
  /** What a facilitator sees, where the same scan must find the secrets (it can see them). */
  staffSees: Received[];
  observers: { link: Link; client: TestClient }[];
}

/** Plays the whole drill and keeps everything each participant received. */
export async function playWholeDrill(): Promise<SecrecyWorld> {
  let t: TestServer;
  let drillId: string;
  let links: Link[];
  let injects: DeliveredInject[] = [];
  const received: Received[] = [];
  /** What a facilitator sees, where the same scan must find the secrets (it can see them). */
  const staffSees: Received[] = [];
  const observers: { link: Link; client: TestClient }[] = [];
  const surpriseLinks = new Map<string, string>();

  /** Every route a participant's links open, answers kept as text. */
  const fetchParticipantRoutes = async (moment: string, over = false) => {
    for (const link of links) {
      const paths = [
        `/api/join/${link.token}`,
        `/join/${link.token}`,
        `/api/board/${link.token}`,
        `/api/standby/${link.standby}`,
        `/standby/${link.standby}`,
        ...(over ? [`/api/join/${link.token}/debrief`] : []),
      ];
      for (const path of paths) {
        const res = await fetch(`${t.server.url}${path}`);
        received.push({
          ...link,
          what: `GET ${path.replace(/fd_\w+_[\w-]+/, ':token')} (${moment}, ${res.status})`,
          text: await res.text(),
        });
      }
      // The person's link to the surprise drill, handed out when it was scheduled.
      const early = surpriseLinks.get(link.token) ?? '';
      for (const path of [
        `/api/join/${early}`,
        `/join/${early}`,
        `/api/board/${early}`,
        `/api/join/${early}/debrief`,
      ]) {
        const res = await fetch(`${t.server.url}${path}`);
        received.push({
          ...link,
          what: `GET ${path.replace(/fd_\w+_[\w-]+/, ':surprise-token')} (${moment}, ${res.status})`,
          text: await res.text(),
        });
      }
      const upgrade = await TestClient.open(socketUrl(t.server, `/ws?token=${early}`)).then(
        (c) => {
          c.close();
          return 'opened';
        },
        (error: Error) => error.message,
      );
      received.push({ ...link, what: `socket on the surprise link (${moment})`, text: upgrade });
      if (over) {
        const res = await fetch(`${t.server.url}/api/join/${link.token}/debrief`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            wentWell: 'The bridge opened fast.',
            didNotGoWell: 'Paging was slow.',
          }),
        });
        received.push({
          ...link,
          what: `POST /api/join/:token/debrief (${res.status})`,
          text: await res.text(),
        });
      }
    }
  };

  t = await startTestServer();
  const url = t.server.url;
  const f = t.facilitator;
  const people = (await f.get('/api/people').expect(200)).body.people as {
    id: string;
    name: string;
  }[];
  const seeded = t.server.seeded;
  if (!seeded) throw new Error('no seeded demo');
  const standbyOf = (name: string) =>
    seeded.standby.find((s) => s.name === name)?.url.split('/standby/')[1] ?? '';

  // A surprise drill elsewhere in the catalogue, for the same people: its moment is a secret.
  const made = await f
    .post('/api/drills', {
      title: 'Unannounced Gasan cooling drill',
      scenario: 'kakao-viral-surge',
      mode: 'surprise',
      window: {
        from: new Date(T0 + 26 * 60 * MIN).toISOString(),
        to: new Date(T0 + 4 * 24 * 60 * MIN).toISOString(),
      },
      assignments: ROLES.map((role, i) => ({ role, personId: people[i]?.id })),
    })
    .expect(201);
  const record = (await f.get(`/api/drills/${made.body.drill.id}`).expect(200)).body.drill;
  const surprise: SecrecyWorld['surprise'] = {
    id: record.id,
    title: record.title,
    dueAt: record.dueAt,
    window: record.window,
  };

  const surpriseTokens = (made.body.links as { personId: string; url: string }[]).map((l) => ({
    personId: l.personId,
    token: l.url.split('/join/')[1] ?? '',
  }));

  const created = await f
    .post('/api/drills', {
      scenario: 'kakao-pangyo-fire',
      mode: 'now',
      assignments: ROLES.map((role, i) => ({ role, personId: people[i]?.id })),
    })
    .expect(201);
  drillId = created.body.drill.id;
  links = (created.body.links as { role: string; personId: string; url: string }[]).map((l) => {
    const name = people.find((p) => p.id === l.personId)?.name ?? '';
    return {
      role: l.role,
      person: name,
      token: l.url.split('/join/')[1] ?? '',
      standby: standbyOf(name),
    };
  });
  // Each link of this drill → the same person's link to the surprise drill.
  for (const l of created.body.links as { personId: string; url: string }[])
    surpriseLinks.set(
      l.url.split('/join/')[1] ?? '',
      surpriseTokens.find((x) => x.personId === l.personId)?.token ?? '',
    );
  for (const link of links) {
    const client = await TestClient.open(socketUrl(t.server, `/ws?token=${link.token}`));
    observers.push({ link, client });
  }
  await fetchParticipantRoutes('at the start');

  // The bots play one person of each role through that person's own link.
  const runner = t.server.service.runner(drillId) as DrillRunner;
  const signIn = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'facilitator', password: seeded.password }),
  });
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const roleUrls = Object.fromEntries(
    [...new Map(links.map((l) => [l.role, l])).values()].map((l) => [
      l.role,
      socketUrl(t.server, `/ws?token=${l.token}`),
    ]),
  );
  const bots = new SocketBots({
    drill: runner.drill,
    staffUrl: socketUrl(t.server, `/ws?drill=${drillId}&lastSeq=0`),
    cookie,
    roleUrls,
    drillNow: () => runner.clock.now(),
    scale: 1,
    wall: t.clock,
    bots: { seed: 3, faults: FAULTS },
  });
  await bots.connect();

  // An ad-hoc inject for each role alone, and one for two roles.
  for (const role of new Set(ROLES))
    await f
      .post(`/api/drills/${drillId}/inject`, {
        to: [role],
        title: `Private note for the ${role} desk`,
        text: `Only the ${role} may read this: code ${role.length * 7919}-KX.`,
      })
      .expect(201);
  await f
    .post(`/api/drills/${drillId}/inject`, {
      to: ['operator', 'communicator'],
      title: 'Shared by operator and communicator only',
      text: 'Gasan rack B7 keys are with the night guard.',
    })
    .expect(201);

  let ended = false;
  void bots.done.then(() => {
    ended = true;
  });
  for (let step = 0; step < 300 && !ended; step++) {
    t.clock.advance(30_000);
    await t.server.service.settled();
    const live = t.server.service.runner(drillId);
    if (live) injects = [...live.state.injects];
    if (step === 50) await fetchParticipantRoutes('mid-drill');
  }
  bots.close();
  expect(ended, 'the drill reached its end').to.equal(true);
  await eventually(
    'the drill recorded as ended',
    () => t.server.service.record(drillId)?.status === 'ended',
  );

  await fetchParticipantRoutes('after the end', true);
  // A participant who reconnects after the end asks for everything again.
  for (const link of links) {
    const replay = await TestClient.open(
      socketUrl(t.server, `/ws?token=${link.token}&lastSeq=0`),
    ).catch(() => undefined);
    if (replay) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (const m of replay.messages)
        received.push({ ...link, what: `replayed ${m.type}`, text: JSON.stringify(m) });
      replay.close();
    }
  }
  for (const { link, client } of observers) {
    for (const m of client.messages)
      received.push({
        ...link,
        what: `socket ${m.type} ${String((m.event as { type?: string } | undefined)?.type ?? '')}`,
        text: JSON.stringify(m),
      });
    client.close();
  }
  const staff = { role: 'facilitator', person: 'facilitator' };
  for (const path of ['/api/drills', `/api/drills/${drillId}/scorecard`])
    staffSees.push({ ...staff, what: `GET ${path}`, text: (await f.get(path).expect(200)).text });
  const card = (await f.get(`/api/drills/${drillId}/scorecard`).expect(200)).body;
  const seededCard = (await f.get(`/api/drills/${seeded.finishedDrill.id}/scorecard`).expect(200))
    .body;
  expect(card.persons.length, 'persons scored in this drill').to.be.at.least(4);
  expect(seededCard.persons.length, 'persons scored in the seeded drill').to.be.at.least(4);
  const persons: SecrecyWorld['persons'] = [...card.persons, ...seededCard.persons];
  const log: LogEntry[] = (await f.get(`/api/drills/${drillId}/log`).expect(200)).text
    .trim()
    .split('\n')
    .map((line: string) => LogEntry.parse(JSON.parse(line)));
  return { t, drillId, links, surprise, injects, persons, log, received, staffSees, observers };
}
