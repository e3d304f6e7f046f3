// A drill's WebSocket that comes back by itself: on a drop it reconnects with the last sequence
// number it saw, and the server sends exactly what was missed. Close code 4001 (link revoked or
// drill archived) is final.

const REVOKED = 4001;
const UNAUTHORISED = 4003;

/**
 * Opens `path` (e.g. `/ws?token=…`) and keeps it open. Callbacks: onWelcome(message, resumed),
 * onEvent(event, message), onMessage(message) for anything else, onState('open' | 'closed' |
 * 'revoked'). Events are handed over once each, in order, even across reconnects. With
 * `options.lastSeq` the first connection already asks for everything after it (0: the whole log).
 */
export function liveSocket(path, callbacks, options = {}) {
  let lastSeq = options.lastSeq;
  let socket;
  let attempt = 0;
  let stopped = false;
  let timer;
  const seen = new Set();

  const url = () => {
    const u = new URL(path, location.href);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    if (lastSeq !== undefined) u.searchParams.set('lastSeq', String(lastSeq));
    return u.toString();
  };

  const connect = () => {
    socket = new WebSocket(url());
    socket.addEventListener('open', () => {
      attempt = 0;
    });
    socket.addEventListener('message', (e) => {
      let message;
      try {
        message = JSON.parse(e.data);
      } catch {
        return;
      }
      if (message.type === 'welcome') {
        const resumed = lastSeq !== undefined;
        if (!resumed || message.view) lastSeq = lastSeq ?? message.seq;
        callbacks.onState?.('open');
        callbacks.onWelcome?.(message, resumed);
      } else if (message.type === 'event') {
        const seq = message.event?.seq;
        if (typeof seq === 'number') {
          if (seen.has(seq)) return;
          seen.add(seq);
          lastSeq = Math.max(lastSeq ?? 0, seq);
        }
        callbacks.onEvent?.(message.event, message);
      } else callbacks.onMessage?.(message);
    });
    socket.addEventListener('close', (e) => {
      if (stopped) return;
      if (e.code === REVOKED || e.code === UNAUTHORISED) {
        callbacks.onState?.('revoked', e);
        return;
      }
      callbacks.onState?.('closed', e);
      attempt++;
      // A first retry after a second, then doubling to at most every 10 s.
      timer = setTimeout(connect, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)));
    });
  };
  connect();

  return {
    /** Sends a message if the socket is open; false when it is not. */
    send(message) {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    get open() {
      return socket?.readyState === WebSocket.OPEN;
    },
    close() {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}
