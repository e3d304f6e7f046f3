import { resolve } from 'node:path';

/** Settings from the environment; see docs/operations.md. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  baseUrl?: string;
  trustProxy: boolean;
  rateLimitPerMinute: number;
  /** FIREDRILL_TEST_CONTROL=1: tests drive the clock over HTTP (never in production). */
  testControl: boolean;
  /** FIREDRILL_SEED: seeds the random source in test mode, so surprise moments replay. */
  seed?: number;
}

function number(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${name} must be a non-negative number, not '${value}'`);
  return n;
}

/** Reads the configuration; a bad value stops the server with a message naming the variable. */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  return {
    port: number('PORT', env.PORT, 3000),
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.FIREDRILL_DATA ?? './data'),
    baseUrl: env.FIREDRILL_BASE_URL,
    trustProxy: /^(1|true|yes)$/i.test(env.FIREDRILL_TRUST_PROXY ?? ''),
    rateLimitPerMinute: number('FIREDRILL_RATE_LIMIT', env.FIREDRILL_RATE_LIMIT, 20),
    testControl: /^(1|true|yes)$/i.test(env.FIREDRILL_TEST_CONTROL ?? ''),
    seed:
      env.FIREDRILL_SEED === undefined
        ? undefined
        : number('FIREDRILL_SEED', env.FIREDRILL_SEED, 0),
  };
}
