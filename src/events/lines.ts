/**
 * Splitting a byte stream (a QMP socket, virsh's output, the journal) into lines with a bound on a line's length.
 * Each chunk is scanned once, for its own bytes only; a line past the bound is dropped whole (reported once, when
 * it passes the bound) and reading goes on with the next line.
 */
import {MAX_LINE_BYTES} from '../limits.js'

export interface LineSink {
  line(text: string, number: number): void
  /** a line passed the bound; it is dropped */
  overlong(number: number, maxBytes: number): void
}

export class BoundedLines {
  private parts: Buffer[] = []
  private size = 0
  private dropping = false
  private number = 1

  constructor(
    private readonly sink: LineSink,
    private readonly maxBytes = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let start = 0
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      this.take(chunk.subarray(start, nl))
      if (!this.dropping) this.sink.line(this.text(), this.number)
      this.parts = []
      this.size = 0
      this.dropping = false
      this.number++
      start = nl + 1
    }
    // the rest is copied: a subarray would keep the whole chunk alive
    if (start < chunk.length) this.take(Buffer.from(chunk.subarray(start)))
  }

  /** The last line, when the stream ended without a newline (a torn record, or a line still being written). */
  end(): string | undefined {
    const rest = this.dropping || this.size === 0 ? undefined : this.text()
    this.parts = []
    this.size = 0
    this.dropping = false
    return rest
  }

  /** the number of the line being read */
  get line(): number {
    return this.number
  }

  private take(piece: Buffer): void {
    if (this.dropping || piece.length === 0) return
    if (this.size + piece.length > this.maxBytes) {
      this.dropping = true
      this.parts = []
      this.sink.overlong(this.number, this.maxBytes)
      return
    }
    this.parts.push(piece)
    this.size += piece.length
  }

  private text(): string {
    return (this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts)).toString('utf8')
  }
}
