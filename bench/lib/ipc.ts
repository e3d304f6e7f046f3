import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/lib/ is two levels down). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Request {
  id: number;
  cmd: string;
  args: unknown;
}
interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** A child process the runner talks to: one request, one reply, over the IPC channel. */
export class Child {
  private next = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  readonly exited: Promise<number | null>;
  stderr = '';

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    process.on('message', (message: Reply) => {
      const w = this.waiting.get(message.id);
      if (!w) return;
      this.waiting.delete(message.id);
      if (message.ok) w.resolve(message.value);
      else w.reject(new Error(`${name}: ${message.error}`));
    });
    process.stderr?.on('data', (chunk) => {
      this.stderr = (this.stderr + String(chunk)).slice(-4000);
    });
    this.exited = new Promise((resolve) => process.once('exit', (code) => resolve(code)));
    void this.exited.then((code) => {
      for (const w of this.waiting.values())
        w.reject(new Error(`${name} exited (${code}) before replying: ${this.stderr}`));
      this.waiting.clear();
    });
  }

  /** Sends a command; resolves with the child's reply. */
  call<T>(cmd: string, args: unknown = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.process.send({ id, cmd, args } satisfies Request);
    });
  }

  /** The child's resident set size, in MB, from /proc. */
  async rssMb(): Promise<number> {
    const status = await readFile(`/proc/${this.process.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return kb / 1024;
  }

  /** CPU time the child has used so far (user + system), in ms, from /proc. */
  async cpuMs(): Promise<number> {
    const stat = await readFile(`/proc/${this.process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat; 12 and 13 after the pid and name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  }

  /** Asks the child to exit, and kills it if it has not within two seconds. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.send({ id: 0, cmd: 'exit', args: {} } satisfies Request);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 2_000);
    await this.exited;
    clearTimeout(timer);
  }
}

const TASKSET = '/usr/bin/taskset';

/**
 * Starts `bench/<script>` under `node --import tsx`, pinned to `cpu` with taskset when there is
 * one, with an IPC channel. Resolves once the child says it is ready.
 */
export async function startChild(
  name: string,
  script: string,
  options: { cpu?: number; env?: Record<string, string>; nodeArgs?: string[] } = {},
): Promise<Child> {
  const node = [...(options.nodeArgs ?? []), '--import', 'tsx', join(ROOT, 'bench', script)];
  const pinned = options.cpu !== undefined && existsSync(TASKSET);
  const child = spawn(
    pinned ? TASKSET : process.execPath,
    pinned ? ['-c', String(options.cpu), process.execPath, ...node] : node,
    {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production', ...options.env },
    },
  );
  const wrapped = new Child(name, child);
  await wrapped.call('ready');
  return wrapped;
}

type Handler = (args: never) => unknown;

/** In a child: answers the runner's commands with `handlers`; `exit` ends the process. */
export function serve(
  handlers: Record<string, Handler>,
  onExit?: () => Promise<void> | void,
): void {
  process.on('message', async (message: Request) => {
    if (message.cmd === 'exit') {
      await onExit?.();
      process.exit(0);
    }
    const reply = (r: Omit<Reply, 'id'>) => process.send?.({ id: message.id, ...r });
    try {
      if (message.cmd === 'ready') return reply({ ok: true });
      const handler = handlers[message.cmd];
      if (!handler) throw new Error(`unknown command '${message.cmd}'`);
      reply({ ok: true, value: await handler(message.args as never) });
    } catch (error) {
      reply({
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
}
