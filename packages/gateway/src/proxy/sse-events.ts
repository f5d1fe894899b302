/** An event ends at a blank line; servers may end lines with \n, \r\n or \r (HTML Living Standard, "event stream"). */
const EVENT_END = /\r\n\r\n|\n\n|\r\r/g;

/** Splits a text/event-stream into whole events as text arrives in arbitrary pieces. */
export class SseSplitter {
  private buffer = '';

  /** The events completed by `text`, each with its terminating blank line. */
  push(text: string): string[] {
    // What is buffered holds no whole event, so a blank line can only end in the new text: scan
    // from the last 3 old characters (a separator is at most 4), not from the start every chunk.
    const from = Math.max(0, this.buffer.length - 3);
    this.buffer += text;
    const events: string[] = [];
    let start = 0;
    EVENT_END.lastIndex = from;
    for (let m = EVENT_END.exec(this.buffer); m !== null; m = EVENT_END.exec(this.buffer)) {
      const end = m.index + m[0].length;
      events.push(this.buffer.slice(start, end));
      start = end;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /** What is left after the stream ended (an event without its blank line). */
  rest(): string {
    const rest = this.buffer;
    this.buffer = '';
    return rest;
  }
}

/** The `data:` lines of one event, joined by \n; undefined for an event without data. */
export function eventData(event: string): string | undefined {
  let data: string | undefined;
  for (const line of event.split(/\r\n|\n|\r/)) {
    if (!line.startsWith('data:')) continue;
    const value = line.slice(line[5] === ' ' ? 6 : 5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data;
}
