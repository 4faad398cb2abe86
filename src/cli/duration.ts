/** "5 hours 59 minutes", "3 minutes", "40 seconds": a span of time in words, to the minute past a minute. */
export function inWords(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (days) parts.push(`${days} day${days === 1 ? '' : 's'}`);
  if (hours) parts.push(`${hours} hour${hours === 1 ? '' : 's'}`);
  if (minutes && !days) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/** "expires in 5 hours 59 minutes" or "expired 2 hours ago". */
export function expiryInWords(expiresInSeconds: number): string {
  return expiresInSeconds > 0 ? `expires in ${inWords(expiresInSeconds)}` : `expired ${inWords(expiresInSeconds)} ago`;
}
