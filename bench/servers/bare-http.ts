import express from 'express';

/** The bare baseline for start-up: express answering /healthz, started the same way. */
const app = express();
app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});
app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
