import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { bootServer, spawnServer } from '../helpers/server-process.js';

/** Each way a catalogue can be damaged, made from a good file. */
const DAMAGE: { kind: string; damage(good: string): string; says: RegExp }[] = [
  {
    kind: 'is cut off half way (not JSON)',
    damage: (good) => good.slice(0, Math.floor(good.length / 2)),
    says: /not JSON/,
  },
  {
    kind: 'breaks off inside a list, across lines',
    damage: (good) => good.replace(/"drills": \[/, '"drills": [\n}'),
    says: /not JSON \(Unexpected token/,
  },
  { kind: 'is empty', damage: () => '', says: /is empty, not JSON/ },
  {
    kind: 'has a drill with a status nobody knows',
    damage: (good) => good.replace(/"status": "ended"/, '"status": "exploded"'),
    says: /drills\[0\]\.status.*exploded/,
  },
  {
    kind: 'is of another catalogue version',
    damage: (good) => good.replace(/"version": \d+/, '"version": 99'),
    says: /catalogue version 99, but this Firedrill reads version \d+/,
  },
  {
    kind: 'is a JSON array',
    damage: () => '[]\n',
    says: /not a catalogue: expected a JSON object/,
  },
];

describe('a damaged store stops the server (server/main.ts)', function () {
  this.timeout(60_000);
  let pristine: string;
  let work: string;
  let good: string;
  before(async () => {
    pristine = await mkdtemp(join(tmpdir(), 'firedrill-corrupt-'));
    const server = await bootServer(pristine);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).to.equal(0);
    good = await readFile(join(pristine, 'catalogue.json'), 'utf8');
    expect(good).to.match(/"status": "ended"/);
  });
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'firedrill-corrupt-'));
    await cp(pristine, work, { recursive: true });
  });
  afterEach(() => rm(work, { recursive: true, force: true }));
  after(() => rm(pristine, { recursive: true, force: true }));

  /** Starts main.ts over `work` and expects it to refuse: exit 1, one clear line, no stack. */
  async function refuses(): Promise<string> {
    const run = spawnServer(work);
    const { code } = await run.exited;
    expect(run.stdout(), 'it never listens').not.to.match(/listening/);
    expect(code, `exit code; stderr: ${run.stderr()}`).to.equal(1);
    const stderr = run.stderr();
    expect(stderr, 'no stack trace').not.to.match(/^\s+at /m);
    expect(stderr.trim().split('\n'), 'one line').to.have.length(1);
    expect(stderr).to.match(/^firedrill: /);
    return stderr;
  }

  for (const { kind, damage, says } of DAMAGE)
    it(`refuses a catalogue that ${kind}, names the file and what is wrong, and leaves it byte for byte`, async () => {
      const file = join(work, 'catalogue.json');
      const bad = Buffer.from(damage(good), 'utf8');
      expect(bad.equals(Buffer.from(good)), 'the damage changed something').to.equal(false);
      await writeFile(file, bad);
      const stderr = await refuses();
      expect(stderr).to.include(file);
      expect(stderr).to.match(says);
      expect(stderr).to.match(/will not overwrite it/);
      expect((await readFile(file)).equals(bad), 'the file is unchanged').to.equal(true);
      expect(await readdir(work)).not.to.include('catalogue.json.tmp');
    });

  it('refuses a catalogue it cannot read (a directory in its place), naming it', async () => {
    const file = join(work, 'catalogue.json');
    await rm(file);
    await mkdir(file);
    const stderr = await refuses();
    expect(stderr).to.include(file);
    expect(stderr).to.match(/EISDIR|directory/i);
  });

  it('says in one line when the data directory cannot be made (a file in the way)', async () => {
    const blocker = join(work, 'not-a-directory');
    await writeFile(blocker, 'x');
    const run = spawnServer(join(blocker, 'data'));
    const { code } = await run.exited;
    expect(code).to.equal(1);
    expect(run.stderr()).to.match(/^firedrill: .*ENOTDIR.*not-a-directory/);
    expect(run.stderr()).not.to.match(/^\s+at /m);
  });

  it('refuses a drill log damaged in the middle, naming the file and line, and leaves it', async () => {
    const dir = join(work, 'drills');
    const [name] = await readdir(dir);
    const file = join(dir, name as string);
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[2] = '{"seq":3,"t":0,"type":"act';
    const bad = Buffer.from(lines.join('\n'));
    await writeFile(file, bad);
    // A finished drill's log is read when its report is asked for, not at start; make it a
    // running drill so the start has to read it.
    const catalogue = JSON.parse(good);
    catalogue.drills[0].status = 'running';
    await writeFile(join(work, 'catalogue.json'), `${JSON.stringify(catalogue, null, 2)}\n`);
    const stderr = await refuses();
    expect(stderr).to.include(file);
    expect(stderr).to.match(/line 3 is not a log entry/);
    expect((await readFile(file)).equals(bad), 'the log is unchanged').to.equal(true);
  });
});
