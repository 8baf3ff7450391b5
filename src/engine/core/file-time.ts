/**
 * A modification time in ms since the epoch as fs.utimes/futimes take it. Node replaces a negative number
 * of seconds by the current time (a file from 1969 would come back dated today), but takes a Date as is;
 * a number keeps sub-millisecond precision, so it is used where it works.
 */
export function fileTime(ms: number): number | Date {
  return ms >= 0 ? ms / 1000 : new Date(ms);
}
