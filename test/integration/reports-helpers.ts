import request from 'supertest';

/**
 * A signed-in staff agent for the report tests: session cookie kept, CSRF header on every
 * write, and PATCH (improvement items) besides GET and POST.
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
  };
}

export type Staff = Awaited<ReturnType<typeof staff>>;
