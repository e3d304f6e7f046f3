import { join } from 'node:path';
import { type RunningServer, startServer } from '../../server/server.js';
import { FileCatalogueStore } from '../../server/store/catalogue-file.js';
import { serve } from '../lib/ipc.js';
import { NaiveLowdbLogStore } from './naive-lowdb-log.js';

/**
 * The Firedrill server as a benchmark child: started with startServer over files in a data
 * directory, on the system clock, exactly as `npm start` wires it (the demo is seeded too). The
 * runner sets drills up and fires injects over IPC, as a facilitator would over the API (which
 * caps a drill at 500 assignments; the company-wide drill has 2,000). `naive-lowdb` swaps the
 * event log store for one lowdb write per entry.
 */
let server: RunningServer | undefined;
let probe:
  | { samples: { target: number; late: number }[]; timers: NodeJS.Timeout[]; running: boolean }
  | undefined;

serve(
  {
    async start(args: { dataDir: string; store: 'files' | 'naive-lowdb'; seedActions?: number }) {
      const stores =
        args.store === 'naive-lowdb'
          ? {
              catalogue: await FileCatalogueStore.open(args.dataDir),
              logs: await NaiveLowdbLogStore.open(
                join(args.dataDir, 'logs.json'),
                args.seedActions ?? 1_000,
              ),
            }
          : undefined;
      server = await startServer({ dataDir: args.dataDir, stores, log: () => {} });
      return { url: server.url, pid: process.pid };
    },

    /** Schedules `count` drills to start now; one join link per listed role. */
    async create(args: { count: number; scenario: string; roles: string[]; timeScale?: number }) {
      const s = live();
      const drills: { id: string; tokens: string[]; startWall: number }[] = [];
      for (let i = 0; i < args.count; i++) {
        const { drill, links } = await s.service.create(
          {
            scenario: args.scenario,
            mode: 'now',
            timeScale: args.timeScale,
            assignments: args.roles.map((role) => ({ role, bot: false })),
          },
          'bench',
        );
        const clock = s.service.runner(drill.id)?.clock;
        // When the drill clock's zero was, in wall ms (it started inside create).
        const startWall = clock ? Date.now() - clock.now() / clock.scale : Date.now();
        drills.push({
          id: drill.id,
          tokens: links.map((l) => l.url.split('/join/')[1] as string),
          startWall,
        });
      }
      return drills;
    },

    /** A facilitator's ad-hoc inject to every role of each drill, all at once. */
    async inject(args: { drillIds: string[]; title: string; text: string }) {
      const s = live();
      const sent = await Promise.all(
        args.drillIds.map((id) => {
          const runner = s.service.live(id);
          const to = runner.drill.manual.roles.map((r) => r.id);
          return runner.injectAdHoc({ to, title: args.title, text: args.text }, 'bench');
        }),
      );
      return sent.map((e) => e.seq);
    },

    /**
     * Bare timers beside the server, under the same load: one setTimeout for each moment an
     * inject falls due (`starts` x `offsetsMs`, wall ms), timed with Date.now like the drill clock.
     */
    probeStart(args: { starts: number[]; offsetsMs: number[] }) {
      const p = {
        samples: [] as { target: number; late: number }[],
        timers: [] as NodeJS.Timeout[],
        running: true,
      };
      probe = p;
      const now = Date.now();
      for (const start of args.starts)
        for (const offset of args.offsetsMs) {
          const target = Math.ceil(start + offset);
          if (target <= now) continue;
          p.timers.push(
            setTimeout(() => {
              if (p.running) p.samples.push({ target, late: Date.now() - target });
            }, target - now),
          );
        }
      return p.timers.length;
    },

    probeStop() {
      const p = probe;
      if (!p) return [];
      p.running = false;
      for (const t of p.timers) clearTimeout(t);
      probe = undefined;
      return p.samples;
    },

    /** Ends every live drill (so their timers stop) and waits until their logs are written. */
    async endAll(args: { drillIds: string[] }) {
      const s = live();
      await Promise.all(
        args.drillIds.map((id) => s.service.end(id, 'facilitator', 'bench').catch(() => undefined)),
      );
      await s.service.settled();
      return true;
    },
  },
  async () => {
    await server?.close();
  },
);

function live(): RunningServer {
  if (!server) throw new Error('start the server first');
  return server;
}
