// What every staff page does: times in the viewer's zone, and the sign-out button.
import { api } from './api.js';
import { localiseTimes } from './page.js';

localiseTimes();
for (const button of document.querySelectorAll('[data-sign-out]'))
  button.addEventListener('click', async () => {
    try {
      await api('DELETE', '/api/session');
    } finally {
      location.assign('/login');
    }
  });
