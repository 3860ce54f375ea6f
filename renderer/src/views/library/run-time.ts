// When a run was created, as a person says it in the runs list: "today 14:03", "yesterday 18:20",
// "2 Dec 09:12", "2 Dec 2025 09:12" in another year. Local time: the runs are the user's own.
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number) => String(n).padStart(2, '0');

function dayStart(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** `t` and `now` in ms since the epoch. */
export function formatRunTime(t: number, now: number = Date.now()): string {
  const d = new Date(t), today = new Date(now);
  const clock = `${two(d.getHours())}:${two(d.getMinutes())}`;
  const days = Math.round((dayStart(today) - dayStart(d)) / 86_400_000); // (rounded: a DST day is 23 or 25 hours)
  if (days === 0) return `today ${clock}`;
  if (days === 1) return `yesterday ${clock}`;
  const date = `${d.getDate()} ${MONTHS[d.getMonth()]}`;
  return d.getFullYear() === today.getFullYear() ? `${date} ${clock}` : `${date} ${d.getFullYear()} ${clock}`;
}
