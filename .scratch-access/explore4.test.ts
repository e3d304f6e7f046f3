import { startTestServer, type TestServer } from '../test/helpers/server.js';
describe('explore4', () => {
  let t: TestServer;
  before(async () => { t = await startTestServer(); });
  after(async () => { await t.stop(); });
  it('probes', async () => {
    const app = t.server.http.listeners('request')[0] as any;
    const walk = (stack: any[], prefix: string, depth = 0) => {
      for (const layer of stack) {
        console.log(' '.repeat(depth*2), layer.name, JSON.stringify(layer.rawPath), layer.route ? Object.keys(layer.route.methods) : '', layer.route?.path, layer.handle?.stack ? 'ROUTER' : '');
        if (layer.handle?.stack && !layer.route) walk(layer.handle.stack, prefix + layer.rawPath, depth + 1);
      }
    };
    walk(app.router.stack, '');
  });
});
