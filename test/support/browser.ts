import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Test setup for the browser tests: makes sure the Debian packages they need are installed.
 * A fresh machine has no chromium; as root we install it with apt-get (a few minutes the first
 * time), otherwise we fail loudly with the command to run. Never a silent skip.
 */

const CHROMIUM = '/usr/bin/chromium';
const PDFTOTEXT = '/usr/bin/pdftotext';

/** Launch flags for Debian's chromium in a container (see shared/TOOLCHAIN.md). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const say = (message: string) => process.stderr.write(`[test setup] ${message}\n`);

function run(command: string, args: string[]): Promise<number> {
  say(`running: ${command} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      // apt's progress goes to our stderr so a long install is visibly alive.
      stdio: ['ignore', process.stderr, process.stderr],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** True when apt knows an installable version of the package (its lists are not missing or stale). */
function aptKnows(pkg: string): boolean {
  const policy = spawnSync('apt-cache', ['policy', pkg], { encoding: 'utf8' });
  return policy.status === 0 && /Candidate: (?!\(none\))\S+/.test(policy.stdout);
}

const pending = new Map<string, Promise<string>>();

/**
 * Returns `binary` once the Debian package `pkg` that provides it is installed, installing it
 * with apt-get when running as root; otherwise throws an error saying how to install it.
 */
export function ensureDebianPackage(binary: string, pkg: string, purpose: string): Promise<string> {
  if (existsSync(binary)) return Promise.resolve(binary);
  let install = pending.get(pkg);
  if (!install) {
    install = installPackage(binary, pkg, purpose);
    pending.set(pkg, install);
  }
  return install;
}

async function installPackage(binary: string, pkg: string, purpose: string): Promise<string> {
  const how = `Install it with: sudo apt-get update && sudo apt-get install -y ${pkg}`;
  if (process.getuid?.() !== 0)
    throw new Error(
      `${binary} is missing: ${purpose} needs the Debian package '${pkg}', and this test run ` +
        `is not root so it cannot install it. ${how}`,
    );
  say(`${binary} is missing; installing the Debian package '${pkg}' for ${purpose}.`);
  if (!aptKnows(pkg)) {
    say(`apt does not know '${pkg}' yet; updating its package lists first.`);
    const updated = await run('apt-get', ['update']);
    if (updated !== 0) throw new Error(`apt-get update failed (exit ${updated}). ${how}`);
  }
  let code = await run('apt-get', ['install', '-y', pkg]);
  if (code !== 0) {
    say(`apt-get install failed (exit ${code}); updating the package lists and trying again.`);
    await run('apt-get', ['update']);
    code = await run('apt-get', ['install', '-y', pkg]);
  }
  if (code !== 0 || !existsSync(binary))
    throw new Error(`could not install '${pkg}' (apt-get exit ${code}). ${how}`);
  say(`installed ${pkg}: ${binary} is ready.`);
  return binary;
}

/**
 * The path of Debian's chromium, for playwright-core's `executablePath`. Installs the package
 * when it is missing and the tests run as root; fails with instructions otherwise.
 */
export function ensureChromium(): Promise<string> {
  return ensureDebianPackage(CHROMIUM, 'chromium', 'the browser tests (PDF printing)');
}

/** The path of poppler's `pdftotext`, installed the same way as chromium. */
export function ensurePdftotext(): Promise<string> {
  return ensureDebianPackage(PDFTOTEXT, 'poppler-utils', 'reading the text of printed PDFs');
}
