import { v4 as uuid } from 'uuid';
import { z } from 'zod';
import { scoreDrill } from './domain/scoring/score.js';
import { generatePassword, hashPassword } from './http/auth/passwords.js';
import { newToken, tokenHash } from './http/auth/tokens.js';
import { Fault } from './runtime/bots/faults.js';
import type { DrillLibrary } from './runtime/drill-library.js';
import { simulate } from './runtime/simulate.js';
import type { CatalogueStore, EventLogStore } from './store/store.js';

/** What a first start prints once: the credentials and links nobody can see again. */
export interface SeedResult {
  username: string;
  password: string;
  standby: { name: string; url: string }[];
  finishedDrill: { id: string; score: number; pass: boolean };
}

/** The demo's content: drills/demo.yaml. */
export const DemoFile = z.strictObject({
  kind: z.literal('demo'),
  scenario: z.string(),
  team: z.strictObject({
    name: z.string(),
    timeZone: z.string(),
    members: z.array(z.strictObject({ name: z.string(), role: z.string() })).min(1),
  }),
  finishedDrill: z.strictObject({
    title: z.string(),
    daysAgo: z.number().min(0),
    seed: z.number().int(),
    faults: z.array(Fault).default([]),
  }),
});
export type DemoFile = z.infer<typeof DemoFile>;

/**
 * Seeds an empty store so that nothing has to be set up by hand: a facilitator account with a
 * one-time password, the team of drills/demo.yaml on the roster, and one finished drill of its
 * scenario played by that team's bots.
 */
export async function seedDemo(deps: {
  demo: DemoFile;
  catalogue: CatalogueStore;
  logs: EventLogStore;
  library: DrillLibrary;
  baseUrl: string;
  now: number;
}): Promise<SeedResult | undefined> {
  const { catalogue, logs, library, now, demo } = deps;
  const data = catalogue.read();
  if (data.accounts.length || data.drills.length) return undefined;
  const resolved = library.resolve(demo.scenario);
  if (!resolved) throw new Error(`the demo needs scenario '${demo.scenario}' in the library`);
  const password = generatePassword();
  const at = (ms: number) => new Date(ms).toISOString();
  const people = demo.team.members.map((member) => ({
    ...member,
    id: uuid(),
    token: newToken('standby'),
  }));
  const roles = resolved.drill.manual.roles.map((r) => r.id);
  // The first person of each role plays it in the finished drill.
  const persons = Object.fromEntries(
    roles.flatMap((role) => {
      const p = people.find((x) => x.role === role);
      return p ? [[role, { person: p.id, name: p.name }]] : [];
    }),
  );
  const startWall = now - demo.finishedDrill.daysAgo * 24 * 3_600_000;
  const drillId = uuid();
  const log = simulate(resolved.drill, {
    seed: demo.finishedDrill.seed,
    persons,
    startWall: at(startWall),
    drillId,
    hashes: { manual: resolved.manual.hash, scenario: resolved.scenario.hash },
    faults: demo.finishedDrill.faults,
  });
  await logs.append(drillId, log);
  const card = scoreDrill(resolved.drill, log);
  const teamId = uuid();
  const passwordHash = await hashPassword(password);
  await catalogue.update((d) => {
    d.accounts.push({
      id: uuid(),
      username: 'facilitator',
      passwordHash,
      role: 'facilitator',
      createdAt: at(now),
    });
    d.people.push(
      ...people.map((p) => ({
        id: p.id,
        name: p.name,
        standbyTokenHash: tokenHash(p.token),
        webhooks: [],
      })),
    );
    d.teams.push({
      id: teamId,
      name: demo.team.name,
      timeZone: demo.team.timeZone,
      members: people.map((p) => p.id),
    });
    d.drills.push({
      id: drillId,
      title: demo.finishedDrill.title,
      manual: {
        id: resolved.manual.value.id,
        version: resolved.manual.value.version,
        hash: resolved.manual.hash,
      },
      scenario: {
        id: resolved.scenario.value.id,
        version: resolved.scenario.value.version,
        hash: resolved.scenario.hash,
      },
      teamId,
      mode: 'at',
      dueAt: at(startWall),
      blackoutDates: [],
      lateStartMinutes: 15,
      timeScale: 1,
      status: 'ended',
      assignments: roles.map((role) => ({ role, personId: persons[role]?.person, bot: false })),
      createdBy: 'facilitator',
      createdAt: at(startWall - 86_400_000),
      startedAt: at(startWall),
      endedAt: at(startWall + (log.at(-1)?.t ?? 0)),
    });
  });
  return {
    username: 'facilitator',
    password,
    standby: people.map((p) => ({ name: p.name, url: `${deps.baseUrl}/standby/${p.token}` })),
    finishedDrill: { id: drillId, score: card.score, pass: card.pass },
  };
}
