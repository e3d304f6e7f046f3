import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { SocketBots } from '../runtime/bots/socket-bots.js';
import { systemClock } from '../runtime/clock.js';
import { DemoFile } from '../seed.js';
import { startServer } from '../server.js';
import { PROJECT_ROOT } from './paths.js';
import { guarded, UsageError } from './resolve.js';

/**
 * `firedrill demo [--speed N]`: a whole live drill on a real server — the demo scenario of
 * drills/demo.yaml, started now, with one bot per role connected as a WebSocket client —
 * then its scorecard as JSON. Exit 0 when the drill completed (its end condition came).
 */
export function registerDemo(program: Command) {
  program
    .command('demo')
    .description(
      'run the demo scenario live on a fresh server with a bot per role, print the scorecard',
    )
    .option('--speed <n>', 'drill minutes per real minute', '60')
    .action(
      guarded(async (opts: { speed: string }) => {
        const speed = Number(opts.speed);
        if (!(speed > 0 && speed <= 1000))
          throw new UsageError(`--speed must be a number from 1 to 1000, not '${opts.speed}'`);
        const demo = DemoFile.parse(
          parse(await readFile(join(PROJECT_ROOT, 'drills', 'demo.yaml'), 'utf8')),
        );
        const dataDir = await mkdtemp(join(tmpdir(), 'firedrill-demo-'));
        const server = await startServer({
          dataDir,
          rateLimitPerMinute: 0,
          log: (m) => console.error(m),
        });
        try {
          const card = await runDemo(server, demo, speed);
          process.stdout.write(`${JSON.stringify(card, null, 2)}\n`);
          if (card.reason !== 'end-condition') process.exitCode = 1;
        } finally {
          await server.close();
          await rm(dataDir, { recursive: true, force: true });
        }
      }),
    );
}

async function runDemo(
  server: Awaited<ReturnType<typeof startServer>>,
  demo: DemoFile,
  speed: number,
) {
  const password = server.seeded?.password;
  if (!password) throw new Error('the demo server did not seed');
  const api = async (path: string, init: RequestInit = {}, cookie = '', csrf = '') => {
    const response = await fetch(`${server.url}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        cookie,
        'x-csrf-token': csrf,
        ...(init.headers ?? {}),
      },
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`${path}: ${JSON.stringify(body)}`);
    return { body, response };
  };
  const signIn = await api('/api/session', {
    method: 'POST',
    body: JSON.stringify({ username: 'facilitator', password }),
  });
  const cookie = (signIn.response.headers.getSetCookie() ?? [])
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = signIn.body.csrfToken as string;
  const scenario = server.library.resolve(demo.scenario);
  if (!scenario) throw new Error(`no scenario '${demo.scenario}'`);
  const roles = scenario.drill.manual.roles.map((r) => r.id);
  const created = await api(
    '/api/drills',
    {
      method: 'POST',
      body: JSON.stringify({
        scenario: demo.scenario,
        mode: 'now',
        timeScale: speed,
        assignments: roles.map((role) => ({ role, bot: false })),
      }),
    },
    cookie,
    csrf,
  );
  const drillId = created.body.drill.id as string;
  const ws = server.url.replace('http', 'ws');
  const roleUrls = Object.fromEntries(
    (created.body.links as { role: string; url: string }[]).map((l) => [
      l.role,
      `${ws}/ws?token=${l.url.split('/join/')[1]}`,
    ]),
  );
  const runner = server.service.runner(drillId);
  if (!runner) throw new Error('the demo drill did not start');
  const bots = new SocketBots({
    drill: runner.drill,
    staffUrl: `${ws}/ws?drill=${drillId}&lastSeq=0`,
    cookie,
    roleUrls,
    drillNow: () => runner.clock.now(),
    scale: speed,
    wall: systemClock,
    bots: { seed: 1, faults: [] },
  });
  await bots.connect();
  const reason = await bots.done;
  bots.close();
  const card = await api(`/api/drills/${drillId}/scorecard`, {}, cookie, csrf);
  return { reason, ...card.body };
}
