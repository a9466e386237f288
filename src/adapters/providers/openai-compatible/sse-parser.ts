/** One dispatched server-sent event. */
export interface SseEvent {
  /** The `event:` field, when the server named the event. */
  event: string | undefined;
  /** The `data:` lines of the event joined by `\n`. */
  data: string;
}

const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const COLON = 58;
const SPACE = 32;

/**
 * Incremental parser of `text/event-stream` (WHATWG HTML, "Server-sent events"): feed it decoded text as it
 * arrives, in pieces cut anywhere, and it returns the events completed so far. Lines may end in `\n`, `\r\n` or
 * `\r`; comments (`:`) and `id:` / `retry:` fields are skipped; several `data:` lines make one event.
 * @example const events = parser.push(decoder.write(bytes));
 */
export class SseParser {
  /** The start of a line whose end has not arrived yet. */
  private partialLine = '';
  /** The previous piece ended with `\r`, so a `\n` opening the next piece ends no new line. */
  private skipLineFeed = false;
  private data: string | undefined;
  private event: string | undefined;

  push(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    const length = text.length;
    let position = 0;
    if (this.skipLineFeed && length > 0) {
      this.skipLineFeed = false;
      if (text.charCodeAt(0) === LINE_FEED) position = 1;
    }
    // Two cursors instead of a character loop: indexOf runs natively, and `\r` is rare in practice.
    let nextLineFeed = text.indexOf('\n', position);
    let nextCarriageReturn = text.indexOf('\r', position);
    while (position < length) {
      if (nextLineFeed !== -1 && nextLineFeed < position) nextLineFeed = text.indexOf('\n', position);
      if (nextCarriageReturn !== -1 && nextCarriageReturn < position) {
        nextCarriageReturn = text.indexOf('\r', position);
      }
      let end: number;
      if (nextCarriageReturn === -1) end = nextLineFeed;
      else if (nextLineFeed === -1) end = nextCarriageReturn;
      else end = Math.min(nextLineFeed, nextCarriageReturn);
      if (end === -1) break;

      const piece = text.slice(position, end);
      const line = this.partialLine.length === 0 ? piece : this.partialLine + piece;
      this.partialLine = '';
      position = end + 1;
      if (text.charCodeAt(end) === CARRIAGE_RETURN) {
        if (position === length) this.skipLineFeed = true;
        else if (text.charCodeAt(position) === LINE_FEED) position += 1;
      }
      this.readLine(line, events);
    }
    if (position < length) this.partialLine += text.slice(position);
    return events;
  }

  /**
   * Ends the stream. Unlike a browser, an event still waiting for its blank line is dispatched: some servers
   * close the connection right after the last `data:` line.
   */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.partialLine.length > 0) {
      this.readLine(this.partialLine, events);
      this.partialLine = '';
    }
    this.dispatch(events);
    return events;
  }

  private readLine(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      this.dispatch(events);
      return;
    }
    if (line.startsWith('data: ')) {
      this.appendData(line.slice(6));
      return;
    }
    if (line.charCodeAt(0) === COLON) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let valueStart = colon === -1 ? line.length : colon + 1;
    if (line.charCodeAt(valueStart) === SPACE) valueStart += 1;
    const value = line.slice(valueStart);
    if (field === 'data') this.appendData(value);
    else if (field === 'event') this.event = value;
  }

  private appendData(value: string): void {
    this.data = this.data === undefined ? value : `${this.data}\n${value}`;
  }

  private dispatch(events: SseEvent[]): void {
    if (this.data !== undefined) events.push({ event: this.event, data: this.data });
    this.data = undefined;
    this.event = undefined;
  }
}
