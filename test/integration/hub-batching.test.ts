import type { Socket } from 'node:net';
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
 * The hub corks a socket from its second message in a tick, and a socket whose action awaits
 * its ack from its first (bench/README.md, durable actions):
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

  /** A drill now with one socket per role, each past its welcome. */
  async function drillWithSockets(): Promise<Map<string, TestClient>> {
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
    return byRole;
  }

  it('sends the event of an action and its ack in one write on the socket that sent it', async () => {
    // The server side of each socket, in the order they were upgraded.
    const sockets: Socket[] = [];
    const onUpgrade = (_req: unknown, socket: Socket) => sockets.push(socket);
    t.server.http.on('upgrade', onUpgrade);
    const byRole = await drillWithSockets();
    t.server.http.off('upgrade', onUpgrade);
    const operator = byRole.get('operator') as TestClient;
    const socket = sockets[ROLES.indexOf('operator')] as Socket;
    const writes: string[] = [];
    const spy = (chunks: string[]) => writes.push(chunks.join(''));
    const original = { write: socket._write, writev: socket._writev };
    socket._write = function (chunk, encoding, callback) {
      spy([Buffer.from(chunk).toString('latin1')]);
      return original.write.call(this, chunk, encoding, callback);
    };
    socket._writev = function (chunks, callback) {
      spy(chunks.map((c) => Buffer.from(c.chunk).toString('latin1')));
      return original.writev?.call(this, chunks, callback);
    };
    for (let i = 0; i < 5; i++) {
      const from = operator.messages.length;
      writes.length = 0;
      operator.send({
        type: 'action',
        clientId: `one-${i}`,
        action: 'send-message',
        channel: 'secondary-messenger',
        text: `operator alone ${i}`,
      });
      await operator.waitFor('ack', (m) => m.type === 'ack', from);
      const ackWrite = writes.findIndex((w) => w.includes(`"clientId":"one-${i}"`));
      expect(ackWrite, 'the ack was written').to.be.greaterThan(-1);
      expect(writes[ackWrite], 'the event is in the same write as its ack').to.include(
        `operator alone ${i}`,
      );
    }
  });

  it('delivers every message of a batch to every member, in sequence order, acks after events', async () => {
    const byRole = await drillWithSockets();
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
