import { readConfig } from './config.js';
import { ManualClock, systemClock } from './runtime/clock.js';
import { seededRandom } from './runtime/random.js';
import { startServer } from './server.js';
import { DataDirInUseError } from './store/data-lock.js';
import { CorruptStoreError } from './store/store.js';

/** `npm start`: the server with its data in FIREDRILL_DATA (default ./data). */
try {
  const config = readConfig(process.env);
  // Test mode: a manual clock from now, driven over HTTP, and a seeded random source.
  const testClock = config.testControl ? new ManualClock(systemClock.now()) : undefined;
  const server = await startServer({
    testClock,
    random: config.testControl ? seededRandom(config.seed ?? 1) : undefined,
    dataDir: config.dataDir,
    port: config.port,
    host: config.host,
    baseUrl: config.baseUrl,
    trustProxy: config.trustProxy,
    rateLimitPerMinute: config.rateLimitPerMinute,
  });
  const base = config.baseUrl ?? `http://localhost:${server.port}`;
  if (server.seeded) {
    const { username, password, standby, finishedDrill } = server.seeded;
    console.log('A demo was seeded. These are shown once and cannot be shown again:');
    console.log(`  facilitator sign-in: ${username} / ${password}`);
    for (const s of standby) console.log(`  standby link for ${s.name}: ${s.url}`);
    console.log(`  sign in at ${base}/ and look at a finished drill's report:`);
    console.log(`  ${base}/drills/${finishedDrill.id}/report (score ${finishedDrill.score})`);
  }
  if (testClock)
    console.log('TEST MODE: the clock moves only through POST /api/test/clock/advance');
  const shutdown = async () => {
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  // Printed last: whoever waits for this line has everything above, the signal handlers too
  // (a SIGTERM sent on seeing it would otherwise kill the process before they are set).
  console.log(`Firedrill is listening on ${base} (data in ${config.dataDir})`);
} catch (error) {
  // What the operator must fix (a damaged store, a bad setting, a data directory it cannot
  // create or read) is one line that names it; anything else is a bug and keeps its stack.
  if (
    error instanceof CorruptStoreError ||
    error instanceof DataDirInUseError ||
    (error instanceof Error &&
      (/must be a non-negative number|library has errors/.test(error.message) ||
        typeof (error as NodeJS.ErrnoException).syscall === 'string'))
  ) {
    console.error(`firedrill: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
