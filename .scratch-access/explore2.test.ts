import request from 'supertest';
import { signIn, startTestServer, type TestServer } from '../test/helpers/server.js';

const ROLES = ['control-tower', 'operator', 'communicator', 'operations-lead'];
describe('explore2', () => {
  let t: TestServer;
  before(async () => { t = await startTestServer(); });
  after(async () => { await t.stop(); });
  const newDrill = async () => {
    const people = (await t.facilitator.get('/api/people')).body.people;
    const res = await t.facilitator.post('/api/drills', { scenario: 'kakao-pangyo-fire', mode: 'now', assignments: ROLES.map((role, i) => ({ role, personId: people[i].id })) });
    return res.body;
  };
  it('probes', async () => {
    const show = (label: string, r: request.Response) => console.log(label, r.status, JSON.stringify(r.body).slice(0, 600));
    const d = await newDrill();
    const id = d.drill.id;
    show('override unknown', await t.facilitator.post(`/api/drills/${id}/overrides`, { reason: 'r', target: { step: 'nope', verdict: 'on_time' } }));
    show('override rule unknown', await t.facilitator.post(`/api/drills/${id}/overrides`, { reason: 'r', target: { rule: 'nope', violation: 3, verdict: 'kept' } }));
    show('note', await t.facilitator.post(`/api/drills/${id}/notes`, { text: 'hi' }));
    show('offplat ok', await t.facilitator.post(`/api/drills/${id}/off-platform`, { role: 'operator', action: 'report-failure', channel: 'secondary-messenger', text: 'by phone', t: 0, medium: 'phone' }));
    show('offplat ref', await t.facilitator.post(`/api/drills/${id}/off-platform`, { role: 'operator', action: 'report-failure', ref: 999, t: 0, medium: 'phone' }));
    const card = (await t.facilitator.get(`/api/drills/${id}/scorecard`)).body;
    console.log(Object.keys(card), JSON.stringify(card.persons).slice(0, 400));
    console.log(JSON.stringify(card).match(/Lee Seo-yeon|Kim Min-jun|Park|Choi|Jung/g));
    const seeded = t.server.seeded!;
    console.log(JSON.stringify(seeded.standby));
    const acc = await t.facilitator.post('/api/accounts', { username: 'vic', role: 'viewer' });
    const viewer = await signIn(t.server.url, 'vic', acc.body.password);
    const vcard = (await viewer.get(`/api/drills/${id}/scorecard`)).body;
    console.log('viewer names', JSON.stringify(vcard).match(/Lee Seo-yeon|Kim Min-jun|Park|Choi|Jung|person/g));
    show('viewer drill', await viewer.get(`/api/drills/${id}`));
    const seedCard = (await viewer.get(`/api/drills/${seeded.finishedDrill.id}/scorecard`)).body;
    console.log('viewer seeded names', JSON.stringify(seedCard).match(/Lee Seo-yeon|Kim Min-jun|Park|Choi|Jung|"person"/g));
    const tok = await t.facilitator.post('/api/tokens', { name: 'ci' });
    show('token', tok);
    show('bearer get', await request(t.server.url).get('/api/drills').set('authorization', `Bearer ${tok.body.token}`));
    show('bearer post', await request(t.server.url).post('/api/teams').set('authorization', `Bearer ${tok.body.token}`).send({name: 'z'}));
    show('big', await t.facilitator.post('/api/teams', { name: 'x'.repeat(70 * 1024) }));
    show('badjson', await t.facilitator.post('/api/teams').set('content-type', 'application/json').send('{"name":'));
    show('array', await t.facilitator.post('/api/teams').set('content-type', 'application/json').send('[1]'));
    show('text', await t.facilitator.post('/api/teams').set('content-type', 'text/plain').send('hello'));
    show('scalar', await t.facilitator.post('/api/teams').set('content-type', 'application/json').send('"x"'));
    show('null', await t.facilitator.post('/api/teams').set('content-type', 'application/json').send('null'));
    show('stop null', await t.facilitator.post(`/api/drills/${id}/stop`).set('content-type', 'application/json').send('null'));
    const r = await request(t.server.url).get('/api/me');
    console.log(r.headers);
  });
});
