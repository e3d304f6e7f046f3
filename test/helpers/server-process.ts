import { type ChildProcess, spawn } from 'node:child_process';
import { ROOT } from './drills.js';

/** A `server/main.ts` process of its own, in test mode (its clock moves over HTTP). */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** The facilitator's one-time password, printed only on the first start over a directory. */
  password?: string;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node --import tsx server/main.ts` over `dataDir`, without waiting for it. */
export function spawnServer(dataDir: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      FIREDRILL_DATA: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      FIREDRILL_RATE_LIMIT: '0',
      FIREDRILL_TEST_CONTROL: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stdout: () => out, stderr: () => err };
}

/** Starts a server process and waits until it listens; fails with its output if it exits. */
export async function bootServer(dataDir: string, timeoutMs = 30_000): Promise<ServerProcess> {
  const spawned = spawnServer(dataDir);
  const output = () => spawned.stdout() + spawned.stderr();
  // The listening line is printed last, after the one-time credentials of a first start.
  // The whole line, up to its newline (a chunk may end inside the URL).
  const listening = () => /listening on (http:\/\/\S+) .*\n/.exec(spawned.stdout())?.[1];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      spawned.child.kill('SIGKILL');
      reject(new Error(`the server did not listen within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    spawned.child.stdout?.on('data', () => {
      const found = listening();
      if (!found) return;
      clearTimeout(timer);
      resolve(found);
    });
    void spawned.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the server exited before listening:\n${output()}`));
    });
  });
  const password = /sign-in: facilitator \/ (\S+)/.exec(spawned.stdout())?.[1];
  return { child: spawned.child, url, password, output, exited: spawned.exited };
}

/** Kills a server process with SIGKILL and resolves once it is gone. */
export async function killServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null)
    server.child.kill('SIGKILL');
  await server.exited;
}
