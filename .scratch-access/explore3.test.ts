import { signIn, startTestServer, type TestServer } from '../test/helpers/server.js';
describe('explore3', () => {
  let t: TestServer;
  before(async () => { t = await startTestServer(); });
  after(async () => { await t.stop(); });
  it('probes', async () => {
    const seeded = t.server.seeded!;
    const acc = await t.facilitator.post('/api/accounts', { username: 'vic', role: 'viewer' });
    const viewer = await signIn(t.server.url, 'vic', acc.body.password);
    const text = (await viewer.get(`/api/drills/${seeded.finishedDrill.id}/scorecard`)).text;
    for (const m of text.matchAll(/.{200}"person".{120}/g)) console.log(m[0], '\n');
    const people = (await t.facilitator.get('/api/people')).body.people;
    console.log(people.map((p: {id: string; name: string}) => `${p.id} ${p.name}`));
  });
});
