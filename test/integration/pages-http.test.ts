import { expect } from 'chai';
import request from 'supertest';
import { signIn, startTestServer, T0, type TestServer } from '../helpers/server.js';

const MIN = 60_000;

describe('the pages, over HTTP', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.stop();
  });

  const surprise = async () => {
    const people = (await t.facilitator.get('/api/people').expect(200)).body.people as {
      id: string;
    }[];
    const res = await t.facilitator
      .post('/api/drills', {
        scenario: 'kakao-pangyo-fire',
        mode: 'surprise',
        window: {
          from: new Date(T0 + 60 * MIN).toISOString(),
          to: new Date(T0 + 600 * MIN).toISOString(),
        },
        assignments: [{ role: 'operator', personId: people[1]?.id }],
      })
      .expect(201);
    return {
      id: res.body.drill.id as string,
      dueAt: res.body.drill.dueAt as string,
      join: new URL(res.body.links[0].url).pathname,
    };
  };

  it('shows a surprise drill’s drawn moment to facilitators only', async () => {
    const drill = await surprise();
    const account = await t.facilitator
      .post('/api/accounts', { username: 'eve', role: 'evaluator' })
      .expect(201);
    const eve = await signIn(t.server.url, 'eve', account.body.password);
    const facilitatorPage = await t.facilitator.get(`/drills/${drill.id}`).expect(200);
    expect(facilitatorPage.text).to.include(drill.dueAt);
    for (const path of [`/drills/${drill.id}`, '/drills']) {
      const page = await eve.get(path).expect(200);
      expect(page.text, path).to.not.include(drill.dueAt);
    }
  });

  it('answers a join link of a drill not started yet exactly like an unknown one', async () => {
    const drill = await surprise();
    const secret = await request(t.server.url).get(drill.join).expect(404);
    const unknown = await request(t.server.url)
      .get(`/join/fd_join_${'A'.repeat(43)}`)
      .expect(404);
    expect(secret.text).to.equal(unknown.text);
    expect(secret.text).to.not.include('Pangyo');
  });

  it('sends only to local paths after signing in', async () => {
    for (const [next, kept] of [
      ['/library', '/library'],
      ['//evil.example/x', '/drills'],
      ['https://evil.example/', '/drills'],
    ] as const) {
      const page = await request(t.server.url)
        .get(`/login?next=${encodeURIComponent(next)}`)
        .expect(200);
      const data = JSON.parse(/id="page-data">([^<]*)</.exec(page.text)?.[1] ?? '{}');
      expect(data.next, next).to.equal(kept);
    }
  });

  it('tells a signed-in account of the wrong role which roles may see a page', async () => {
    const account = await t.facilitator
      .post('/api/accounts', { username: 'vic', role: 'viewer' })
      .expect(201);
    const vic = await signIn(t.server.url, 'vic', account.body.password);
    const page = await vic.get('/drills/new').expect(403);
    expect(page.type).to.equal('text/html');
    expect(page.text).to.include('for facilitator accounts; you are signed in as a viewer');
  });

  it('serves the browser modules and the stylesheet, with no inline script on any page', async () => {
    await request(t.server.url)
      .get('/static/js/participant.js')
      .expect(200)
      .expect('content-type', /javascript/);
    await request(t.server.url)
      .get('/static/css/app.css')
      .expect(200)
      .expect('content-type', /css/);
    const page = await t.facilitator.get('/drills').expect(200);
    expect(page.headers['content-security-policy']).to.match(/script-src 'self'/);
    const scripts = [...page.text.matchAll(/<script([^>]*)>/g)].map((m) => m[1] ?? '');
    for (const attrs of scripts) expect(attrs).to.match(/type="application\/json"|src="\/static\//);
  });

  it('answers in English, with <html lang> saying so, while no other language is there', async () => {
    const page = await request(t.server.url)
      .get('/login')
      .set('accept-language', 'ko-KR, ko;q=0.9')
      .expect(200);
    expect(page.text).to.match(/<html lang="en">/);
    expect(page.text).to.include('Sign in to Firedrill');
  });
});
