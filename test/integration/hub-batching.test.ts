import { expect } from 'chai';
import {
  TestClient as Client,
  eventually,
  socketUrl,
  startTestServer,
  type TestClient,
  type TestServer,
} from '../helpers/server.js';

const ROLES = ['control-tower', 'operator', 'communicator', 'operations-lead'] as const;

/**
 * The hub corks a socket from its second message in a tick (bench/README.md, durable actions):
 * a burst of actions written in one batch must still reach everyone whole, once and in order,
 * and each ack must follow the event it acknowledges.
 */
describe('the hub under a burst of actions', () => {
  let t: TestServer;
  const clients: TestClient[] = [];
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    for (const c of clients) c.close();
    await t.stop();
  });

  it('delivers every message of a batch to every member, in sequence order, acks after events', async () => {
    const people = (await t.facilitator.get('/api/people').expect(200)).body.people as {
      id: string;
    }[];
    const res = await t.facilitator
      .post('/api/drills', {
        scenario: 'kakao-pangyo-fire',
        mode: 'now',
        assignments: ROLES.map((role, i) => ({ role, personId: people[i]?.id })),
      })
      .expect(201);
    const byRole = new Map<string, TestClient>();
    for (const link of res.body.links as { role: string; url: string }[]) {
      const token = link.url.split('/join/')[1];
      const client = await Client.open(socketUrl(t.server, `/ws?token=${token}`));
      await client.waitFor('welcome', (m) => m.type === 'welcome');
      clients.push(client);
      byRole.set(link.role, client);
    }
    const burst = 30;
    // Every role sends at once, so each batch holds several entries for every socket.
    for (let i = 0; i < burst; i++)
      for (const [role, client] of byRole)
        client.send({
          type: 'action',
          clientId: `b-${i}`,
          action: 'send-message',
          channel: 'secondary-messenger',
          text: `${role} update ${i}`,
        });
    const texts = (c: TestClient) =>
      c
        .events()
        .filter((e) => e.type === 'action')
        .map((e) => e.text as string);
    for (const client of byRole.values())
      await eventually('every message', () => texts(client).length >= burst * ROLES.length, 10_000);
    for (const [role, client] of byRole) {
      const events = client.events().filter((e) => e.type === 'action');
      expect(events).to.have.lengthOf(burst * ROLES.length);
      const seqs = events.map((e) => e.seq as number);
      expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).to.equal(seqs.length);
      for (const other of ROLES)
        expect(texts(client).filter((x) => x.startsWith(`${other} `))).to.deep.equal(
          Array.from({ length: burst }, (_, i) => `${other} update ${i}`),
        );
      await eventually(
        'every ack',
        () => client.messages.filter((m) => m.type === 'ack').length >= burst,
      );
      for (const [index, message] of client.messages.entries()) {
        if (message.type !== 'ack') continue;
        const own = client.messages
          .slice(0, index)
          .find((m) => m.type === 'event' && (m.event as { seq?: number }).seq === message.seq);
        expect(own, `${role}'s ack for #${message.seq} comes after its event`).to.not.equal(
          undefined,
        );
      }
    }
  });
});
