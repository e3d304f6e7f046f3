import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { hashPassword } from '../../server/http/auth/passwords.js';
import { newToken, tokenHash } from '../../server/http/auth/tokens.js';
import { ManualClock } from '../../server/runtime/clock.js';
import { seededRandom } from '../../server/runtime/random.js';
import { startServer } from '../../server/server.js';
import { CATALOGUE_FILE } from '../../server/store/catalogue-file.js';
import { CLOSE } from '../../server/ws/protocol.js';
import {
  eventually,
  signIn,
  socketUrl,
  startTestServer,
  T0,
  TestClient,
  type TestServer,
} from '../helpers/server.js';
import { type Staff, staff } from './reports-helpers.js';

const standbyPath = (url: string) => `/api/standby/${url.split('/standby/')[1]}`;
const joinToken = (url: string) => url.split('/join/')[1] ?? '';
const MIN = 60_000;
/** A drill's log file in a data directory. */
const logOf = (dataDir: string, drillId: string) => join(dataDir, 'drills', `${drillId}.jsonl`);

type Agent = Staff;

/** A request signed by an API token. */
const bearer = (url: string, token: string, path = '/api/me') =>
  request(url).get(path).set('authorization', `Bearer ${token}`);

describe('the roster API', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.stop();
  });

  it('re-issues a lost standby link: the new one opens the standby page, the old one nothing', async () => {
    const made = await t.facilitator.post('/api/people', { name: 'Jung Ha-neul' }).expect(201);
    const old = made.body.standbyUrl as string;
    await request(t.server.url).get(standbyPath(old)).expect(200);

    const res = await t.facilitator.post(`/api/people/${made.body.person.id}/standby`).expect(200);
    expect(res.body.person).to.include({ id: made.body.person.id, name: 'Jung Ha-neul' });
    expect(res.body.person).to.not.have.property('standbyTokenHash');
    expect(res.body.standbyUrl).to.match(/\/standby\/fd_standby_/);
    expect(res.body.standbyUrl).to.not.equal(old);
    await request(t.server.url).get(standbyPath(res.body.standbyUrl)).expect(200);
    await request(t.server.url).get(standbyPath(old)).expect(404);
  });

  it('answers an unknown person 404 and a body 400, naming them', async () => {
    const missing = await t.facilitator.post('/api/people/nobody-here/standby').expect(404);
    expect(missing.body.error.message).to.include("'nobody-here'");
    const person = (await t.facilitator.get('/api/people').expect(200)).body.people[0];
    const body = await t.facilitator
      .post(`/api/people/${person.id}/standby`, { why: 'lost' })
      .expect(400);
    expect(body.body.error.code).to.equal('bad-request');
  });

  it('refuses a team with a made-up time zone or an unknown member, and stores nothing', async () => {
    const before = (await t.facilitator.get('/api/teams').expect(200)).body.teams.length;
    const zone = await t.facilitator
      .post('/api/teams', { name: 'Mars on-call', timeZone: 'Mars/Olympus' })
      .expect(400);
    expect(zone.body.error.message).to.match(/timeZone.*time zone/);
    const member = await t.facilitator
      .post('/api/teams', { name: 'Ghosts', members: ['no-such-person'] })
      .expect(400);
    expect(member.body.error.message).to.equal(
      "members.0: no person 'no-such-person' on the roster",
    );
    const after = (await t.facilitator.get('/api/teams').expect(200)).body.teams.length;
    expect(after).to.equal(before);
  });

  it('gives facilitators a drill’s link ids, roles and times, never a token; evaluators none', async () => {
    const people = (await t.facilitator.get('/api/people').expect(200)).body.people;
    const created = await t.facilitator
      .post('/api/drills', {
        scenario: 'kakao-pangyo-fire',
        mode: 'now',
        assignments: [{ role: 'operator', personId: people[1].id }],
      })
      .expect(201);
    const id = created.body.drill.id as string;
    const res = await t.facilitator.get(`/api/drills/${id}`).expect(200);
    expect(res.body.links).to.deep.equal([
      {
        id: created.body.links[0].id,
        role: 'operator',
        personId: people[1].id,
        createdAt: res.body.links[0].createdAt,
      },
    ]);
    const token = new URL(created.body.links[0].url).pathname.split('/join/')[1] ?? '';
    expect(res.text).to.not.include(token);
    expect(res.text).to.not.include('tokenHash');

    await t.facilitator.post(`/api/drills/${id}/links/${created.body.links[0].id}/revoke`);
    const revoked = await t.facilitator.get(`/api/drills/${id}`).expect(200);
    expect(revoked.body.links[0].revokedAt).to.be.a('string');

    const account = await t.facilitator
      .post('/api/accounts', { username: 'eva', role: 'evaluator' })
      .expect(201);
    const evaluator = await signIn(t.server.url, 'eva', account.body.password);
    const seen = await evaluator.get(`/api/drills/${id}`).expect(200);
    expect(seen.body).to.not.have.property('links');

    // The roster page: an evaluator reads people and teams, with no form and no staff or tokens.
    const page = await evaluator.get('/roster').expect(200);
    expect(page.text).to.include(people[1].name);
    expect(page.text).to.not.include('id="person-form"');
    expect(page.text).to.include('"accounts":[],"tokens":[]');
    expect(page.text).to.not.include('"username":"facilitator"');
  });
});

describe('taking back what the roster made', () => {
  let t: TestServer;
  let f: Agent;
  let password = '';
  before(async () => {
    t = await startTestServer();
    password = t.server.seeded?.password ?? '';
    f = await staff(t.server.url, 'facilitator', password);
  });
  after(async () => {
    await t.stop();
  });
  const url = () => t.server.url;
  const catalogueFile = () => readFile(join(t.dataDir, CATALOGUE_FILE), 'utf8');
  /** A new account of `role`, signed in; its one-time password too. */
  async function account(username: string, role: string) {
    const made = await f.post('/api/accounts', { username, role }).expect(201);
    const secret = made.body.password as string;
    return {
      id: made.body.account.id as string,
      password: secret,
      agent: await staff(url(), username, secret),
    };
  }

  describe('API tokens', () => {
    it('lists tokens with owner, made and last used (to the minute), never the token or its hash', async () => {
      const made = await f.post('/api/tokens', { name: 'nightly CI' }).expect(201);
      const token = made.body.token as string;
      const unused = (await f.get('/api/tokens').expect(200)).body.tokens.find(
        (k: { id: string }) => k.id === made.body.id,
      );
      expect(unused).to.deep.equal({
        id: made.body.id,
        name: 'nightly CI',
        owner: 'facilitator',
        createdAt: new Date(T0).toISOString(),
      });

      t.clock.advance(90_000);
      await bearer(url(), token).expect(200);
      await bearer(url(), token, '/api/drills').expect(200);
      const used = await eventually('the use to be recorded', () =>
        t.server.catalogue.read().apiTokens.find((k) => k.id === made.body.id && k.lastUsedAt),
      );
      expect(used.lastUsedAt).to.equal(new Date(T0 + MIN).toISOString());
      const list = await f.get('/api/tokens').expect(200);
      expect(list.text).to.not.include(token);
      expect(list.text).to.not.include(tokenHash(token));
      expect(list.text).to.not.include('tokenHash');
    });

    it('revokes a token: its very next request is 401, and revoking again changes nothing', async () => {
      const made = await f.post('/api/tokens', { name: 'leaked deploy key' }).expect(201);
      const token = made.body.token as string;
      await bearer(url(), token).expect(200);

      const revoked = await f.post(`/api/tokens/${made.body.id}/revoke`).expect(200);
      expect(revoked.body.token).to.include({
        id: made.body.id,
        revokedAt: new Date(t.clock.now()).toISOString(),
        revokedBy: 'facilitator',
      });
      const refused = await bearer(url(), token).expect(401);
      expect(refused.body.error.code).to.equal('bad-token');
      await request(url())
        .post('/api/teams')
        .set('authorization', `Bearer ${token}`)
        .send({ name: 'Made with a dead token' })
        .expect(401);

      t.clock.advance(MIN);
      const again = await f.post(`/api/tokens/${made.body.id}/revoke`).expect(200);
      expect(again.body.token.revokedAt).to.equal(revoked.body.token.revokedAt);
      const missing = await f.post('/api/tokens/no-such-token/revoke').expect(404);
      expect(missing.body.error.message).to.equal("no API token 'no-such-token'");
    });
  });

  describe('staff accounts', () => {
    it("closes a disabled account's open console sockets at once; other staff stay connected", async () => {
      const second = await account('han.facilitator', 'facilitator');
      const made = await f
        .post('/api/drills', {
          scenario: 'kakao-pangyo-fire',
          mode: 'now',
          assignments: ['control-tower', 'operator', 'communicator', 'operations-lead'].map(
            (role) => ({ role, bot: true }),
          ),
        })
        .expect(201);
      const drillId = made.body.drill.id as string;
      const cookieOf = async (username: string, password: string) => {
        const res = await request(url()).post('/api/session').send({ username, password });
        expect(res.status).to.equal(200);
        return ([] as string[])
          .concat(res.headers['set-cookie'] ?? [])
          .map((c) => c.split(';')[0])
          .join('; ');
      };
      const path = `/ws?drill=${drillId}&lastSeq=0`;
      const theirCookie = await cookieOf('han.facilitator', second.password);
      const theirs = await TestClient.open(socketUrl(t.server, path), { cookie: theirCookie });
      const mine = await TestClient.open(socketUrl(t.server, path), {
        cookie: await cookieOf('facilitator', t.server.seeded?.password ?? ''),
      });
      await f.post(`/api/accounts/${second.id}/disable`).expect(200);
      const closed = await eventually('the disabled account socket to close', () => theirs.closed);
      expect(closed).to.deep.equal({ code: CLOSE.revoked, reason: 'account disabled' });
      expect(mine.closed).to.equal(undefined);
      // Reconnecting with its old session cookie is refused: the session is gone.
      const again = await TestClient.open(socketUrl(t.server, path), { cookie: theirCookie }).then(
        () => 'opened',
        (error: Error) => error.message,
      );
      expect(again).to.match(/^refused: 40[134]$/);
      mine.close();
    });

    it('makes one account when two facilitators ask for the same username at once', async () => {
      const [a, b] = await Promise.all([
        f.post('/api/accounts', { username: 'twin', role: 'viewer' }),
        f.post('/api/accounts', { username: 'twin', role: 'evaluator' }),
      ]);
      expect([a.status, b.status].sort()).to.deep.equal([201, 409]);
      const refused = a.status === 409 ? a : b;
      expect(refused.body.error).to.deep.equal({
        code: 'taken',
        message: "username: 'twin' is taken",
      });
      const twins = t.server.catalogue.read().accounts.filter((x) => x.username === 'twin');
      expect(twins).to.have.length(1);
    });

    it('disables an account: sign-in refused, its open session and its API tokens 401 at once', async () => {
      const second = await account('park.facilitator', 'facilitator');
      const token = (await second.agent.post('/api/tokens', { name: 'park CI' }).expect(201)).body
        .token as string;
      await second.agent.get('/api/me').expect(200);
      await bearer(url(), token).expect(200);

      const res = await f.post(`/api/accounts/${second.id}/disable`).expect(200);
      expect(res.body.account).to.include({
        username: 'park.facilitator',
        disabledAt: new Date(t.clock.now()).toISOString(),
        disabledBy: 'facilitator',
      });
      expect(res.body.account).to.not.have.property('passwordHash');
      expect((await second.agent.get('/api/me').expect(401)).body.error.code).to.equal('sign-in');
      expect((await second.agent.get('/roster')).status).to.equal(302);
      expect((await bearer(url(), token).expect(401)).body.error.code).to.equal('bad-token');
      const signIn = await request(url())
        .post('/api/session')
        .send({ username: 'park.facilitator', password: second.password })
        .expect(401);
      expect(signIn.body.error.code).to.equal('bad-credentials');
      // Its sessions are gone from the store, and its tokens are marked revoked there.
      const data = t.server.catalogue.read();
      expect(data.sessions.filter((s) => s.accountId === second.id)).to.deep.equal([]);
      const listed = (await f.get('/api/tokens').expect(200)).body.tokens.find(
        (k: { name: string }) => k.name === 'park CI',
      );
      expect(listed.revokedBy).to.equal('facilitator (account disabled)');
      const accounts = (await f.get('/api/accounts').expect(200)).body.accounts;
      expect(accounts.find((a: { id: string }) => a.id === second.id).disabledAt).to.be.a('string');

      // Enabled again: the password works, the old session and the old token stay dead.
      const enabled = await f.post(`/api/accounts/${second.id}/enable`).expect(200);
      expect(enabled.body.account).to.not.have.property('disabledAt');
      await second.agent.get('/api/me').expect(401);
      await bearer(url(), token).expect(401);
      const back = await staff(url(), 'park.facilitator', second.password);
      await back.get('/api/me').expect(200);
    });

    it('refuses a facilitator disabling themselves, 409 saying why, and changes nothing', async () => {
      const me = t.server.catalogue.read().accounts.find((a) => a.username === 'facilitator');
      const before = await catalogueFile();
      const res = await f.post(`/api/accounts/${me?.id}/disable`).expect(409);
      expect(res.body.error).to.deep.equal({
        code: 'self',
        message: 'you cannot disable your own account; ask another facilitator',
      });
      expect(await catalogueFile()).to.equal(before);
      await f.get('/api/me').expect(200);
    });

    it('answers an unknown account 404 and a body 400, naming them', async () => {
      const missing = await f.post('/api/accounts/nobody/disable').expect(404);
      expect(missing.body.error.message).to.equal("no account 'nobody'");
      await f.post('/api/accounts/nobody/enable').expect(404);
      const someone = await account('cho.viewer', 'viewer');
      const body = await f.post(`/api/accounts/${someone.id}/disable`, { why: 'left' }).expect(400);
      expect(body.body.error.message).to.include('why');
      await someone.agent.get('/api/me').expect(200);
    });
  });

  describe('teams', () => {
    it('renames a team and replaces its members; a bad edit is 400 naming the field and changes nothing', async () => {
      const people = (await f.get('/api/people').expect(200)).body.people as { id: string }[];
      const made = await f
        .post('/api/teams', { name: 'Pangyo nights', members: [people[0]?.id] })
        .expect(201);
      const id = made.body.team.id as string;
      const edited = await f
        .patch(`/api/teams/${id}`, {
          name: 'Pangyo night shift',
          members: [people[1]?.id, people[2]?.id],
        })
        .expect(200);
      expect(edited.body.team).to.deep.equal({
        id,
        name: 'Pangyo night shift',
        timeZone: 'Asia/Seoul',
        members: [people[1]?.id, people[2]?.id],
      });

      const before = await catalogueFile();
      for (const [body, message] of [
        [{ members: [people[1]?.id, 'ghost'] }, "members.1: no person 'ghost' on the roster"],
        [
          { members: [people[1]?.id, people[1]?.id] },
          `members.1: '${people[1]?.id}' is listed twice`,
        ],
        [
          { timeZone: 'Mars/Olympus' },
          'timeZone: not a time zone (an IANA name such as Asia/Seoul)',
        ],
        [{ name: '' }, 'name: '],
        [{}, 'nothing to change: send name, timeZone or members'],
        [{ name: 'x', lead: 'Kim' }, 'lead'],
      ] as const) {
        const res = await f.patch(`/api/teams/${id}`, body).expect(400);
        expect(res.body.error.message, JSON.stringify(body)).to.include(message);
      }
      expect(await catalogueFile()).to.equal(before);
      const missing = await f.patch('/api/teams/no-team', { name: 'x' }).expect(404);
      expect(missing.body.error.message).to.equal("no team 'no-team'");
    });

    it('deletes a team no drill names, and refuses one a drill names, 409 naming the drill', async () => {
      const made = await f.post('/api/teams', { name: 'Made by mistake' }).expect(201);
      const deleted = await f.delete(`/api/teams/${made.body.team.id}`).expect(200);
      expect(deleted.body.deleted).to.deep.equal({
        id: made.body.team.id,
        name: 'Made by mistake',
      });
      const teams = (await f.get('/api/teams').expect(200)).body.teams as { id: string }[];
      expect(teams.map((x) => x.id)).to.not.include(made.body.team.id);
      await f.delete(`/api/teams/${made.body.team.id}`).expect(404);

      // The demo team ran the seeded drill: its report names the team, so the team stays.
      const seeded = t.server.catalogue
        .read()
        .drills.find((d) => d.id === t.server.seeded?.finishedDrill.id);
      const before = await catalogueFile();
      const refused = await f.delete(`/api/teams/${seeded?.teamId}`).expect(409);
      expect(refused.body.error.code).to.equal('in-use');
      expect(refused.body.error.message).to.include(`'${seeded?.title}' (ended)`);
      expect(refused.body.error.message).to.include('rename it instead');
      expect(await catalogueFile()).to.equal(before);
    });
  });

  describe('people', () => {
    it('refuses to remove someone on a scheduled drill, 409 naming it, the catalogue byte for byte as it was', async () => {
      const made = await f.post('/api/people', { name: 'Yang Eun-bi' }).expect(201);
      const person = made.body.person.id as string;
      const drill = await f
        .post('/api/drills', {
          scenario: 'kakao-pangyo-fire',
          title: 'Friday fire drill',
          mode: 'at',
          at: new Date(t.clock.now() + 24 * 60 * MIN).toISOString(),
          assignments: [{ role: 'communicator', personId: person }],
        })
        .expect(201);
      const before = await catalogueFile();
      const res = await f.delete(`/api/people/${person}`).expect(409);
      expect(res.body.error).to.deep.equal({
        code: 'in-use',
        message:
          "'Yang Eun-bi' is on 1 drill(s) not over yet, 'Friday fire drill' (scheduled); remove them once those have ended, or cancel a scheduled one first",
      });
      expect(await catalogueFile()).to.equal(before);
      await request(url()).get(standbyPath(made.body.standbyUrl)).expect(200);

      // Cancelled, the drill is over: now they can go.
      await f.post(`/api/drills/${drill.body.drill.id}/end`).expect(200);
      await f.delete(`/api/people/${person}`).expect(200);
    });

    it('removes someone taken off a scheduled drill (their link revoked) while it is still to come', async () => {
      const made = await f.post('/api/people', { name: 'Seo Da-in' }).expect(201);
      const person = made.body.person.id as string;
      const drill = await f
        .post('/api/drills', {
          scenario: 'kakao-pangyo-fire',
          mode: 'at',
          at: new Date(t.clock.now() + 24 * 60 * MIN).toISOString(),
          assignments: [{ role: 'operator', personId: person }],
        })
        .expect(201);
      const id = drill.body.drill.id as string;
      await f.delete(`/api/people/${person}`).expect(409);
      await f.post(`/api/drills/${id}/links/${drill.body.links[0].id}/revoke`).expect(200);
      const res = await f.delete(`/api/people/${person}`).expect(200);
      expect(res.body.removed).to.include({ id: person, name: 'Seo Da-in' });
      const { drills } = t.server.catalogue.read();
      expect(drills.find((d) => d.id === id)?.status).to.equal('scheduled');
    });

    it('removes someone whose drills are over: off the roster and teams, their links open nothing, the drill log as it was', async () => {
      const made = await f.post('/api/people', { name: 'Ryu Ji-hoon' }).expect(201);
      const person = made.body.person.id as string;
      const team = await f.post('/api/teams', { name: 'Ansan', members: [person] }).expect(201);
      const drill = await f
        .post('/api/drills', {
          scenario: 'kakao-pangyo-fire',
          mode: 'now',
          assignments: [{ role: 'operator', personId: person }],
        })
        .expect(201);
      const id = drill.body.drill.id as string;
      const link = joinToken(drill.body.links[0].url);
      // While the drill runs they stay.
      const running = await f.delete(`/api/people/${person}`).expect(409);
      expect(running.body.error.message).to.include('(running)');
      await f.post(`/api/drills/${id}/end`).expect(200);
      await request(url()).get(`/api/join/${link}/debrief`).expect(200);
      const logFile = await readFile(logOf(t.dataDir, id), 'utf8');
      const card = (await f.get(`/api/drills/${id}/scorecard`).expect(200)).body;

      const res = await f.delete(`/api/people/${person}`).expect(200);
      // Two links: the one made at scheduling and the one their page carried when it started.
      expect(res.body.removed).to.deep.equal({ id: person, name: 'Ryu Ji-hoon', revokedLinks: 2 });
      const people = (await f.get('/api/people').expect(200)).body.people as { id: string }[];
      expect(people.map((p) => p.id)).to.not.include(person);
      const teams = (await f.get('/api/teams').expect(200)).body.teams as {
        id: string;
        members: string[];
      }[];
      expect(teams.find((x) => x.id === team.body.team.id)?.members).to.deep.equal([]);
      await request(url()).get(standbyPath(made.body.standbyUrl)).expect(404);
      await request(url()).get(`/api/join/${link}/debrief`).expect(404);
      // The drill is untouched: the same log, the same scorecard, naming them as they played.
      expect(await readFile(logOf(t.dataDir, id), 'utf8')).to.equal(logFile);
      const after = (await f.get(`/api/drills/${id}/scorecard`).expect(200)).body;
      expect(after.persons).to.deep.equal(card.persons);
      expect(after.persons.map((p: { name?: string }) => p.name)).to.include('Ryu Ji-hoon');
      await f.delete(`/api/people/${person}`).expect(404);
    });
  });
});

describe('two facilitators disabling each other at once', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.stop();
  });

  it('lets one win and refuses the other 409 last-facilitator: a facilitator is always left', async () => {
    const f = await staff(t.server.url, 'facilitator', t.server.seeded?.password ?? '');
    const make = async (username: string) => {
      const made = await f.post('/api/accounts', { username, role: 'facilitator' }).expect(201);
      const agent = await staff(t.server.url, username, made.body.password);
      return { id: made.body.account.id as string, agent };
    };
    const kim = await make('kim.facilitator');
    const lee = await make('lee.facilitator');
    const seed = t.server.catalogue.read().accounts.find((a) => a.username === 'facilitator');
    await kim.agent.post(`/api/accounts/${seed?.id}/disable`).expect(200);

    // Hold the catalogue's writes (a slow disk) until both requests are in, so each is signed in
    // when it arrives and only the store's one-at-a-time changes can tell them apart.
    const store = t.server.catalogue as unknown as {
      db: { adapter: { write(data: unknown): Promise<void> } };
      update: (...args: unknown[]) => Promise<unknown>;
    };
    const write = store.db.adapter.write.bind(store.db.adapter);
    const update = store.update.bind(store);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let asked = 0;
    store.db.adapter.write = async (data) => {
      await held;
      return write(data);
    };
    store.update = (...args) => {
      asked++;
      return update(...args);
    };
    try {
      const answers = Promise.all([
        kim.agent.post(`/api/accounts/${lee.id}/disable`),
        lee.agent.post(`/api/accounts/${kim.id}/disable`),
      ]);
      await eventually('both changes to be asked for', () => asked >= 2);
      release();
      const [first, second] = await answers;
      expect(first.status).to.equal(200);
      expect(second.status).to.equal(409);
      expect(second.body.error).to.deep.equal({
        code: 'last-facilitator',
        message:
          "'kim.facilitator' is the last enabled facilitator; nobody could manage Firedrill without one",
      });
    } finally {
      store.db.adapter.write = write;
      store.update = update;
      release();
    }
    const enabled = t.server.catalogue
      .read()
      .accounts.filter((a) => a.role === 'facilitator' && !a.disabledAt);
    expect(enabled.map((a) => a.username)).to.deep.equal(['kim.facilitator']);
    await kim.agent.get('/api/me').expect(200);
  });
});

describe('a catalogue written before accounts and tokens could be taken back', () => {
  it('loads without lastUsedAt, revokedBy or disabledBy, and revokes and disables on it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'firedrill-old-catalogue-'));
    const at = new Date(T0 - 30 * 24 * 60 * MIN).toISOString();
    const password = 'correct horse battery staple';
    const token = newToken('api');
    // The shape the release before wrote: every field it knew, none of the new ones.
    const old = {
      version: 1,
      accounts: [
        {
          id: 'acc-1',
          username: 'ops.lead',
          passwordHash: await hashPassword(password),
          role: 'facilitator',
          createdAt: at,
        },
        {
          id: 'acc-2',
          username: 'night.viewer',
          passwordHash: await hashPassword('another one'),
          role: 'viewer',
          createdAt: at,
        },
      ],
      sessions: [],
      apiTokens: [
        {
          id: 'tok-1',
          accountId: 'acc-1',
          name: 'old CI',
          tokenHash: tokenHash(token),
          createdAt: at,
        },
      ],
      people: [
        {
          id: 'per-1',
          name: 'Kang Ho-dong',
          standbyTokenHash: tokenHash(newToken('standby')),
          webhooks: [],
        },
      ],
      teams: [{ id: 'team-1', name: 'Seoul', timeZone: 'Asia/Seoul', members: ['per-1'] }],
      drills: [],
      joinLinks: [],
      library: [],
      improvements: [],
      debriefs: [],
      calendarFeeds: [],
    };
    await writeFile(join(dataDir, CATALOGUE_FILE), `${JSON.stringify(old, null, 2)}\n`);
    const server = await startServer({
      dataDir,
      wall: new ManualClock(T0),
      random: seededRandom(7),
      rateLimitPerMinute: 0,
      log: () => {},
    });
    try {
      expect(server.seeded).to.equal(undefined);
      const f = await staff(server.url, 'ops.lead', password);
      const tokens = (await f.get('/api/tokens').expect(200)).body.tokens;
      expect(tokens).to.deep.equal([
        { id: 'tok-1', name: 'old CI', owner: 'ops.lead', createdAt: at },
      ]);
      await bearer(server.url, token).expect(200);
      await f.post('/api/tokens/tok-1/revoke').expect(200);
      await bearer(server.url, token).expect(401);
      await f.post('/api/accounts/acc-2/disable').expect(200);
      await f.patch('/api/teams/team-1', { name: 'Seoul HQ' }).expect(200);
      await f.delete('/api/people/per-1').expect(200);
      const stored = JSON.parse(await readFile(join(dataDir, CATALOGUE_FILE), 'utf8'));
      expect(stored.version).to.equal(1);
      expect(stored.accounts[1].disabledBy).to.equal('ops.lead');
      expect(stored.teams[0]).to.deep.equal({
        id: 'team-1',
        name: 'Seoul HQ',
        timeZone: 'Asia/Seoul',
        members: [],
      });
    } finally {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
