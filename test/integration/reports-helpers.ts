import request from 'supertest';

/**
 * A signed-in staff agent: session cookie kept, CSRF header on every write, and PATCH and
 * DELETE besides GET and POST (the shared helper in test/helpers only GETs and POSTs).
 */
export async function staff(url: string, username: string, password: string) {
  const agent = request.agent(url);
  const res = await agent.post('/api/session').send({ username, password }).expect(200);
  const csrf = res.body.csrfToken as string;
  return {
    get: (path: string) => agent.get(path),
    post: (path: string, body: object = {}) =>
      agent.post(path).set('x-csrf-token', csrf).send(body),
    patch: (path: string, body: object) => agent.patch(path).set('x-csrf-token', csrf).send(body),
    delete: (path: string) => agent.delete(path).set('x-csrf-token', csrf),
  };
}

export type Staff = Awaited<ReturnType<typeof staff>>;
