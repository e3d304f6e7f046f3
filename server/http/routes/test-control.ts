import { Router } from 'express';
import { z } from 'zod';
import type { ManualClock } from '../../runtime/clock.js';

/**
 * Test control, mounted only when FIREDRILL_TEST_CONTROL=1: out-of-process and browser tests
 * advance the server's wall clock (and with it every drill clock) instead of waiting.
 * Never mounted in production: the routes do not exist there.
 */
export function testControlRoutes(clock: ManualClock): Router {
  const router = Router();
  router.get('/test/clock', (_req, res) => {
    res.json({ now: clock.now(), iso: new Date(clock.now()).toISOString() });
  });
  router.post('/test/clock/advance', (req, res) => {
    const { ms } = z
      .strictObject({
        ms: z
          .number()
          .int()
          .min(0)
          .max(7 * 24 * 3_600_000),
      })
      .parse(req.body);
    clock.advance(ms);
    res.json({ now: clock.now(), iso: new Date(clock.now()).toISOString() });
  });
  return router;
}
