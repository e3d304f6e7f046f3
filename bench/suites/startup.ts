import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { FileCatalogueStore } from '../../server/store/catalogue-file.js';
import { ROOT } from '../lib/ipc.js';
import { type Metric, metric } from '../lib/results.js';
import { median } from '../lib/stats.js';
import { SERVER_CPU, startFiredrill, stopAll, tempDir } from './common.js';

const ARCHIVED = 1_000;

/** A port free right now on the loopback interface. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts `script` as production does (`node --import tsx`), times spawn to the first 200 from /healthz. */
async function timeStart(script: string, env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const args = ['--import', 'tsx', join(ROOT, script)];
  const pinned = existsSync('/usr/bin/taskset');
  const started = performance.now();
  const child = spawn(
    pinned ? '/usr/bin/taskset' : process.execPath,
    pinned ? ['-c', String(SERVER_CPU), process.execPath, ...args] : args,
    {
      cwd: ROOT,
      stdio: 'ignore',
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        ...env,
      },
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${script} exited with ${child.exitCode} before serving`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return performance.now() - started;
      if (performance.now() - started > 20_000) throw new Error(`${script} served nothing in 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** A data directory holding the demo and 1,000 archived drills, each with its log and links. */
export async function archive(dir: string): Promise<void> {
  const first = await startFiredrill(dir);
  await stopAll(first.child);
  const catalogue = await FileCatalogueStore.open(dir);
  const template = catalogue.read().drills.find((d) => d.status === 'ended');
  if (!template) throw new Error('the demo seeded no finished drill');
  const links = catalogue.read().joinLinks.filter((l) => l.drillId === template.id);
  const ids = Array.from({ length: ARCHIVED }, () => randomUUID());
  await catalogue.update((data) => {
    for (const [i, id] of ids.entries()) {
      data.drills.push({
        ...structuredClone(template),
        id,
        title: `Pangyo fire game day #${i + 1}`,
        archivedAt: template.endedAt ?? template.createdAt,
      });
      for (const l of links)
        data.joinLinks.push({
          ...l,
          id: randomUUID(),
          drillId: id,
          tokenHash: randomUUID(),
          revokedAt: undefined,
        });
    }
  });
  await catalogue.close();
  for (const id of ids)
    await copyFile(join(dir, 'drills', `${template.id}.jsonl`), join(dir, 'drills', `${id}.jsonl`));
}

/** Process start to first served request over 1,000 archived drills (warm cache), beside bare express. */
export async function startup(options: { quick: boolean }): Promise<Metric[]> {
  const runs = options.quick ? 2 : 5;
  const data = await tempDir('startup');
  try {
    await archive(data.dir);
    const times: number[] = [];
    const bare: number[] = [];
    // One untimed start each warms the file cache (and tsx's compile cache).
    for (let r = 0; r <= runs; r++) {
      const t = await timeStart('server/main.ts', { FIREDRILL_DATA: data.dir });
      const b = await timeStart('bench/servers/bare-http.ts', {});
      if (r > 0) {
        times.push(t);
        bare.push(b);
      }
    }
    return [
      metric(
        'startup_ms_1000_drills',
        median(times),
        'ms',
        median(bare),
        { op: '<=', value: 1_000 },
        `node --import tsx server/main.ts over a data dir with ${ARCHIVED} archived drills (logs and links), spawn to first 200 from /healthz, median of ${runs} warm starts; baseline: bare express under node --import tsx`,
      ),
    ];
  } finally {
    await data.remove();
  }
}
