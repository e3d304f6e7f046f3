// A role's view of a drill in the browser: the welcome's view, then each event folded in, the
// way the server's view.ts and reduce.ts do it. Nothing here decides what the role may see: the
// server sends only what the role may see.

/** The state from a welcome message (its `view`, and the drill's manual). */
export function fromWelcome(welcome) {
  const v = welcome.view;
  const manual = welcome.drill.manual;
  return {
    role: v.role,
    seq: v.seq,
    t: v.t,
    status: v.status,
    manual,
    actions: new Map(manual.actions.map((a) => [a.id, a])),
    dataCentres: welcome.drill.scenario.dataCentres,
    inbox: v.inbox.map((i) => ({
      seq: i.seq,
      t: i.t,
      inject: i.inject,
      title: i.title,
      text: i.text,
      flags: i.flags,
    })),
    channels: v.channels.map((c) => ({ ...c, messages: [...c.messages] })),
    services: v.services.map((s) => ({ ...s })),
    alerts: [...v.alerts],
    tasks: v.tasks.map((x) => ({ ...x })),
    grade: v.grade,
    // The role's own actions on no channel, so the decision log survives a reload.
    ownUnchannelled: [...(v.unchannelled ?? [])],
  };
}

function applyEffects(state, effects) {
  if (!effects) return;
  for (const s of state.services) if (effects.services?.[s.id]) s.state = effects.services[s.id];
  for (const c of state.channels) if (effects.channels?.[c.id]) c.state = effects.channels[c.id];
  const cleared = new Set(effects.clearAlerts || []);
  const raised = effects.raiseAlerts || [];
  const raisedIds = new Set(raised.map((a) => a.id));
  state.alerts = [
    ...state.alerts.filter((a) => !cleared.has(a.id) && !raisedIds.has(a.id)),
    ...raised,
  ];
}

/** Folds one participant event into the state; returns what kind of change it was. */
export function applyEvent(state, event) {
  state.seq = Math.max(state.seq, event.seq || 0);
  state.t = Math.max(state.t, event.t || 0);
  switch (event.type) {
    case 'inject-delivered':
      if (state.inbox.some((i) => i.seq === event.seq)) return 'duplicate';
      state.inbox.push({
        seq: event.seq,
        t: event.t,
        inject: event.inject,
        title: event.title,
        text: event.text,
        flags: event.flags || [],
      });
      // A board fetched after this inject already shows what it changed (and maybe more since).
      if (!(event.seq <= (state.boardSeq ?? 0))) applyEffects(state, event.effects);
      return 'inject';
    case 'action': {
      const channel = state.channels.find((c) => c.id === event.channel);
      if (channel && !channel.messages.some((m) => m.seq === event.seq))
        channel.messages.push(event);
      if (!event.channel && event.role === state.role) {
        state.ownUnchannelled ??= [];
        if (!state.ownUnchannelled.some((m) => m.seq === event.seq))
          state.ownUnchannelled.push(event);
      }
      const effect = state.actions.get(event.action)?.effect;
      if (event.delivered && effect === 'set-grade' && event.fields?.grade)
        state.grade = event.fields.grade;
      if (event.delivered && effect === 'instruct') {
        const owner = event.fields?.owner || event.to?.[0];
        if (
          (owner === state.role || event.role === state.role) &&
          !state.tasks.some((x) => x.seq === event.seq)
        )
          state.tasks.push({
            seq: event.seq,
            t: event.t,
            by: event.role,
            owner,
            text: event.fields?.task || event.text || '',
          });
      }
      if (event.delivered && (effect === 'acknowledge' || effect === 'task-done')) {
        const task = state.tasks.find((x) => x.seq === event.ref);
        if (task && task.owner === event.role)
          task[effect === 'acknowledge' ? 'acknowledged' : 'done'] ??= event.t;
      }
      return 'action';
    }
    case 'channel-changed': {
      const channel = state.channels.find((c) => c.id === event.channel);
      if (channel && !(event.seq <= (state.boardSeq ?? 0))) channel.state = event.state;
      return 'channel';
    }
    case 'paused':
      state.status = 'paused';
      state.stopped = event.reason === 'real-incident';
      return 'status';
    case 'resumed':
      state.status = 'running';
      state.stopped = false;
      return 'status';
    case 'ended':
      state.status = 'ended';
      return 'status';
    default:
      return 'other';
  }
}

/** Every action of the role, its own and its colleagues', newest last (the decision log). */
export function roleActions(state) {
  const all = new Map();
  for (const c of state.channels)
    for (const m of c.messages) if (m.role === state.role) all.set(m.seq, m);
  for (const m of state.ownUnchannelled || []) all.set(m.seq, m);
  return [...all.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Takes in the status board as the server has it now (GET /api/board/:token): service and
 * channel states, alerts and the grade. Injects to other roles change these too, and the socket
 * tells only their recipients.
 */
export function applyBoard(state, board) {
  if (board.seq < (state.boardSeq ?? 0)) return;
  state.boardSeq = board.seq;
  const services = new Map(board.services.map((s) => [s.id, s.state]));
  for (const s of state.services) if (services.has(s.id)) s.state = services.get(s.id);
  const channels = new Map(board.channels.map((c) => [c.id, c.state]));
  for (const c of state.channels) if (channels.has(c.id)) c.state = channels.get(c.id);
  state.alerts = [...board.alerts];
  if (board.grade !== undefined) state.grade = board.grade;
}
