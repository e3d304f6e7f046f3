import { $, data, say, t } from './lib/page.js';

const form = $('#sign-in');
const status = $('#sign-in-status');
$('#username').focus();
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  say(status, t.working);
  const body = { username: $('#username').value.trim(), password: $('#password').value };
  const res = await fetch('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const reply = await res.json().catch(() => ({}));
  if (!res.ok) {
    say(status, t.failed + (reply.error?.message || res.statusText), 'error');
    $('#password').select();
    return;
  }
  location.assign(data.next || '/drills');
});
