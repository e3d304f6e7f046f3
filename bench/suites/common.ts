import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, startChild } from '../lib/ipc.js';

/** The Kakao manual's roles, which every benchmark drill (the Pangyo fire) uses. */
export const ROLES = ['control-tower', 'operator', 'communicator', 'operations-lead'] as const;
export const SCENARIO = 'kakao-pangyo-fire';

/** How the two cores are shared: the server under test on one, the load generator on the other. */
export const SERVER_CPU = 0;
export const LOAD_CPU = 1;

/** `perGroup` roles, the Kakao roles in turn. */
export function rolesFor(perGroup: number): string[] {
  return Array.from({ length: perGroup }, (_, i) => ROLES[i % ROLES.length] as string);
}

/** A fresh temp data directory; removed by the returned function. */
export async function tempDir(
  prefix: string,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `firedrill-bench-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The Firedrill server (production wiring over files in `dataDir`), pinned to the server core. */
export async function startFiredrill(
  dataDir: string,
  store: 'files' | 'naive-lowdb' = 'files',
): Promise<{ child: Child; url: string; wsUrl: string }> {
  // BENCH_PROFILE=<dir> writes a CPU profile of each server process there (node --cpu-prof).
  const profile = process.env.BENCH_PROFILE;
  const child = await startChild('firedrill server', 'servers/firedrill.ts', {
    cpu: SERVER_CPU,
    nodeArgs: profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [],
  });
  const { url } = await child.call<{ url: string }>('start', {
    dataDir,
    store,
    seedActions: 1_000,
  });
  return { child, url, wsUrl: url.replace('http', 'ws') };
}

/** The load generator, pinned to the other core. */
export function startLoad(): Promise<Child> {
  return startChild('load generator', 'load/sockets.ts', { cpu: LOAD_CPU });
}

/** Waits `ms` of wall time (between rounds, so one round's tail does not meet the next). */
export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops each child, ignoring ones already gone. */
export async function stopAll(...children: (Child | undefined)[]): Promise<void> {
  for (const c of children) await c?.stop().catch(() => undefined);
}

/** A drill the server made, with one join token a participant. */
export interface CreatedDrill {
  id: string;
  tokens: string[];
  /** Wall ms at which its drill clock read zero. */
  startWall: number;
}

/** Creates drills in the server child and opens one socket per join token from the load child. */
export async function openDrills(
  server: Child,
  load: Child,
  wsUrl: string,
  request: { count: number; roles: string[]; timeScale?: number },
): Promise<CreatedDrill[]> {
  const drills = await server.call<CreatedDrill[]>('create', { scenario: SCENARIO, ...request });
  await load.call('open', {
    urls: drills.flatMap((d) => d.tokens.map((t) => `${wsUrl}/ws?token=${t}`)),
  });
  return drills;
}

/** A Firedrill server over a fresh data dir and a load generator, with drills open. */
export interface LiveSetup {
  server: Child;
  load: Child;
  wsUrl: string;
  dataDir: string;
  drills: CreatedDrill[];
  /** Stops both children (if still running) and removes the data dir. */
  stop(): Promise<void>;
}

/** Starts the server and the load generator, and opens `request.count` drills. */
export async function liveDrills(
  prefix: string,
  request: { count: number; roles: string[]; timeScale?: number },
  store: 'files' | 'naive-lowdb' = 'files',
): Promise<LiveSetup> {
  const data = await tempDir(prefix);
  const started: Child[] = [];
  const stop = async () => {
    await stopAll(...started);
    await data.remove();
  };
  try {
    const fd = await startFiredrill(data.dir, store);
    started.push(fd.child);
    const load = await startLoad();
    started.push(load);
    const drills = await openDrills(fd.child, load, fd.wsUrl, request);
    return { server: fd.child, load, wsUrl: fd.wsUrl, dataDir: data.dir, drills, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
