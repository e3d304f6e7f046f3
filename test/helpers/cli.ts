import { execFile } from 'node:child_process';
import { ROOT } from './drills.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `firedrill` CLI and returns its exit code and output, whatever the code. */
export function firedrill(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'server/cli/main.ts', ...args],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
