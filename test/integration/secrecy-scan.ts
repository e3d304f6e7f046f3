/*
 * What the secrecy test looks for in what participants receive: other roles' injects, anyone's
 * per-person score, and when a surprise drill will start, in every form a page or a script
 * might print it.
 */

/** One thing a participant received: an HTTP answer or a socket message, as text. */
export interface Received {
  /** Whose link or standby token fetched it, and the role it holds. */
  role: string;
  person: string;
  what: string;
  text: string;
}

export interface Leak {
  received: Received;
  secret: string;
  form: string;
}

/** The forms a moment may take on a page or in data: ISO, epoch, the team's wall clock. */
export function momentForms(ms: number, timeZone: string): [string, string][] {
  const iso = new Date(ms).toISOString();
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  const local = `${parts.year}-${parts.month}-${parts.day}`;
  const clock = `${parts.hour}:${parts.minute}`;
  const hour12 = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: 'numeric',
    minute: '2-digit',
  }).format(ms);
  return [
    ['ISO', iso],
    ['ISO without ms', iso.replace(/\.\d{3}Z$/, 'Z')],
    ['ISO to the minute (UTC)', iso.slice(0, 16)],
    ['epoch ms', String(ms)],
    ['epoch s', String(Math.floor(ms / 1000))],
    [`${timeZone} date and time`, `${local} ${clock}`],
    [`${timeZone} ISO local`, `${local}T${clock}`],
    [`${timeZone} wall clock`, clock],
    [`${timeZone} 12-hour clock`, hour12],
  ];
}

/** Relative wordings of a start ("starts in 3 hours", "in 2 days"), whatever the number. */
export const STARTS_IN =
  /\bstarts?\s+in\b|\bbegins?\s+in\b|\buntil\s+(?:the\s+)?(?:drill|start)\b/i;

/** JSON that only a scorecard holds (a page's strings may well have a label called "pass"). */
export const SCORE_KEYS =
  /"(?:score|meanScore)"\s*:\s*-?\d|"pass"\s*:\s*(?:true|false)|"(?:persons|scorecard)"\s*:\s*[[{]|"checkpointsWrong"\s*:/;

/** Where `needle` occurs in `text` as a whole token (not inside a longer number or word). */
export function occurs(text: string, needle: string): boolean {
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![0-9A-Za-z])${escaped}(?![0-9A-Za-z])`).test(text);
}

/** Every secret in `secrets` that occurs in what a participant received. */
export function leaks(received: readonly Received[], secrets: (r: Received) => [string, string][]) {
  const found: Leak[] = [];
  for (const r of received)
    for (const [form, secret] of secrets(r))
      if (occurs(r.text, secret)) found.push({ received: r, secret, form });
  return found;
}

/** A leak, said in one line: who saw what, where. */
export function describeLeak({ received: r, secret, form }: Leak): string {
  const at = r.text.indexOf(secret);
  const context = r.text.slice(Math.max(0, at - 60), at + secret.length + 60);
  return `${r.role} (${r.person}) saw ${form} '${secret}' in ${r.what}: …${context}…`;
}
