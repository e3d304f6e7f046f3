// Copy buttons for links and secrets handed out once.
import { h } from './page.js';

/**
 * Copies a read-only input's value to the clipboard; says so on the button, or selects the text
 * for copying by hand when the browser refuses. `words` holds `copied` and `copyFailed`.
 */
export async function copyValue(input, button, words) {
  try {
    await navigator.clipboard.writeText(input.value);
    button.textContent = words.copied;
  } catch {
    input.select();
    button.textContent = words.copyFailed;
  }
}

/**
 * A secret shown once: its label, the value in a read-only input with a copy button, a note that
 * it will not be shown again, and a button that clears it. `words`: copy, copied, copyFailed,
 * dismiss.
 */
export function shownOnce({ id, label, value, note, words }) {
  const input = h('input', { id, readonly: true, value, 'aria-describedby': `${id}-note` });
  const button = h('button', { type: 'button', onclick: () => copyValue(input, button, words) });
  button.textContent = words.copy;
  const panel = h(
    'div',
    { class: 'shown-once', role: 'group', 'aria-labelledby': `${id}-label`, tabindex: '-1' },
    h('label', { for: id, id: `${id}-label` }, label),
    h('div', { class: 'link-row' }, input, button),
    h('p', { class: 'small once-note', id: `${id}-note` }, note),
    h('button', { type: 'button', class: 'link', onclick: () => dismiss() }, words.dismiss),
  );
  // Keyboard users land back in the form the secret came from, not at the top of the page.
  const dismiss = () => {
    const form = panel.closest('form');
    panel.remove();
    form?.querySelector('input:not([readonly]), select')?.focus();
  };
  return panel;
}
