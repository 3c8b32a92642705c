/**
 * SipRequest / SipResponse: a framed message whose header values are decoded and parsed on
 * first access, then cached. Header names are case-insensitive; compact forms map to full ones.
 */
import { type ContactValue, type NameAddr, parseContactList, parseNameAddr } from './address.js';
import { SipHeaderError } from './header-error.js';
import { type Parsed, countList, splitList, unfold } from './grammar.js';
import { canonicalHeaderName, isListHeader } from './header-names.js';
import {
  type CSeq,
  parseCallId,
  parseCSeq,
  parseContentLength,
  parseExpires,
  parseMaxForwards,
} from './header-values.js';
import { type SipUri, parseSipUri } from './uri.js';
import { type Via, parseViaList } from './via.js';

/** One header row as it appeared, value decoded and unfolded. */
export interface HeaderField {
  /** Lower-case full name ("v" becomes "via"). */
  readonly name: string;
  /** The name as written on the wire. */
  readonly rawName: string;
  readonly value: string;
}

/** @internal Where a header row sits in the source buffer. */
export interface FieldRef {
  readonly name: string;
  readonly rawName: string;
  readonly start: number;
  readonly end: number;
  readonly folded: boolean;
}

/** @internal What the scanner hands to the message constructors. */
export interface MessageInit {
  readonly src: Buffer;
  readonly fields: readonly FieldRef[];
  readonly index: ReadonlyMap<string, readonly number[]>;
  readonly start: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** The source decoded once, when it is all ASCII (then latin1 and UTF-8 agree): values are slices of it. */
  readonly text?: string;
}

type StructuredParser = (rows: readonly string[]) => Parsed<unknown>;

const first =
  <T>(parse: (v: string) => Parsed<T>): StructuredParser =>
  (rows) =>
    parse(rows[0]);

/** Parsers of the headers that have structured accessors, by lower-case full name. */
const STRUCTURED: Readonly<Record<string, StructuredParser>> = {
  via: parseViaList,
  from: first(parseNameAddr),
  to: first(parseNameAddr),
  contact: parseContactList,
  'call-id': first(parseCallId),
  cseq: first(parseCSeq),
  'max-forwards': first(parseMaxForwards),
  'content-length': first(parseContentLength),
  expires: first(parseExpires),
};

/** Lower-case names of the headers that have a structured accessor. */
export const STRUCTURED_HEADERS: readonly string[] = Object.keys(STRUCTURED);

abstract class SipMessageBase {
  /** The message bytes, start line to end of body (trailing datagram octets excluded). */
  readonly raw: Buffer;
  /** The message body (empty when there is none). */
  readonly body: Buffer;
  readonly #src: Buffer;
  readonly #text: string | undefined;
  readonly #fields: readonly FieldRef[];
  readonly #index: ReadonlyMap<string, readonly number[]>;
  readonly #values: Array<string | undefined>;
  readonly #lists = new Map<string, readonly string[]>();
  readonly #parsed = new Map<string, Parsed<unknown>>();

  protected constructor(init: MessageInit) {
    this.#src = init.src;
    this.#text = init.text;
    this.#fields = init.fields;
    this.#index = init.index;
    this.#values = new Array<string | undefined>(init.fields.length);
    this.raw = init.src.subarray(init.start, init.bodyEnd);
    this.body = init.src.subarray(init.bodyStart, init.bodyEnd);
  }

  #value(i: number): string {
    let v = this.#values[i];
    if (v === undefined) {
      const f = this.#fields[i];
      const text =
        this.#text !== undefined
          ? this.#text.slice(f.start, f.end)
          : this.#src.toString('utf8', f.start, f.end);
      v = f.folded ? unfold(text) : text;
      this.#values[i] = v;
    }
    return v;
  }

  /** Values of every row of a header, unsplit, in order. */
  #rows(name: string): readonly string[] {
    const idx = this.#index.get(canonicalHeaderName(name));
    return idx === undefined ? [] : idx.map((i) => this.#value(i));
  }

  /**
   * The first value of a header, or undefined: `headers(name)[0]`, so for a list header (Via,
   * Contact, …) the first comma-separated element, otherwise the first row.
   */
  header(name: string): string | undefined {
    const key = canonicalHeaderName(name);
    if (isListHeader(key)) return this.headers(key)[0];
    const idx = this.#index.get(key);
    return idx === undefined ? undefined : this.#value(idx[0]);
  }

  /**
   * All values of a header in order. List headers (Via, Contact, Supported, …) are split on
   * top-level commas (not those inside quotes or `<…>`), empty elements dropped.
   */
  headers(name: string): readonly string[] {
    const key = canonicalHeaderName(name);
    if (!isListHeader(key)) return this.#rows(key);
    let list = this.#lists.get(key);
    if (list === undefined) {
      list = this.#rows(key)
        .flatMap((row) => splitList(row))
        .filter((v) => v.length > 0);
      this.#lists.set(key, list);
    }
    return list;
  }

  hasHeader(name: string): boolean {
    return this.#index.has(canonicalHeaderName(name));
  }

  /** How many rows of this header the message has. */
  headerRowCount(name: string): number {
    return this.#index.get(canonicalHeaderName(name))?.length ?? 0;
  }

  /** @internal headerRowCount for a name already in lower-case full form. */
  rowCount(canonicalName: string): number {
    return this.#index.get(canonicalName)?.length ?? 0;
  }

  /** @internal How many values a list header has (what headers(name).length says), without building them. */
  listLength(canonicalName: string): number {
    const cached = this.#lists.get(canonicalName);
    if (cached !== undefined) return cached.length;
    const idx = this.#index.get(canonicalName);
    if (idx === undefined) return 0;
    let n = 0;
    for (const i of idx) n += countList(this.#value(i));
    return n;
  }

  /** Every header row in order. */
  get headerFields(): readonly HeaderField[] {
    return this.#fields.map((f, i) => ({ name: f.name, rawName: f.rawName, value: this.#value(i) }));
  }

  /**
   * @internal Parse (and cache) a structured header by lower-case name; undefined when the
   * header is absent or has no structured parser.
   */
  tryParsed(name: string): Parsed<unknown> | undefined {
    let result = this.#parsed.get(name);
    if (result === undefined) {
      const parse = STRUCTURED[name] as StructuredParser | undefined;
      const rows = this.#rows(name);
      if (parse === undefined || rows.length === 0) return undefined;
      result = parse(rows);
      this.#parsed.set(name, result);
    }
    return result;
  }

  #get<T>(name: string, required: true): T;
  #get<T>(name: string, required: false): T | undefined;
  #get<T>(name: string, required: boolean): T | undefined {
    const r = this.tryParsed(name);
    if (r === undefined) {
      if (required) throw new SipHeaderError('missing-header', name, `missing ${name} header`);
      return undefined;
    }
    if (!r.ok) throw new SipHeaderError('invalid-header', name, `invalid ${name} header: ${r.error}`);
    return r.value as T;
  }

  get callId(): string {
    return this.#get<string>('call-id', true);
  }

  get cseq(): CSeq {
    return this.#get<CSeq>('cseq', true);
  }

  /** Every Via value in order (top first). */
  get via(): readonly Via[] {
    return this.#get<Via[]>('via', false) ?? [];
  }

  get from(): NameAddr {
    return this.#get<NameAddr>('from', true);
  }

  get to(): NameAddr {
    return this.#get<NameAddr>('to', true);
  }

  /** `'*'` for the wildcard, otherwise every Contact value in order (empty when absent). */
  get contacts(): '*' | readonly ContactValue[] {
    return this.#get<'*' | ContactValue[]>('contact', false) ?? [];
  }

  /** The Expires header; undefined when absent or beyond 2^32-1. */
  get expires(): number | undefined {
    return this.#get<number | undefined>('expires', false);
  }

  get maxForwards(): number | undefined {
    return this.#get<number>('max-forwards', false);
  }

  /** The Content-Length header value; undefined when absent. */
  get contentLength(): number | undefined {
    return this.#get<number>('content-length', false);
  }

  get contentType(): string | undefined {
    return this.header('content-type');
  }

  /** The message as text (UTF-8). */
  toString(): string {
    return this.raw.toString('utf8');
  }
}

export class SipRequest extends SipMessageBase {
  readonly kind = 'request' as const;
  readonly method: string;
  /** The Request-URI exactly as written. */
  readonly uri: string;
  #requestUri: SipUri | null | undefined;

  /** @internal Built by the parser, which may pass the Request-URI it already parsed. */
  constructor(init: MessageInit, method: string, uri: string, parsedUri?: SipUri) {
    super(init);
    this.method = method;
    this.uri = uri;
    this.#requestUri = parsedUri;
  }

  /** The Request-URI parsed, when its scheme is sip or sips (validated by the parser). */
  get requestUri(): SipUri | undefined {
    if (this.#requestUri === undefined) {
      const r = parseSipUri(this.uri);
      this.#requestUri = r.ok ? r.uri : null;
    }
    return this.#requestUri ?? undefined;
  }
}

export class SipResponse extends SipMessageBase {
  readonly kind = 'response' as const;
  readonly status: number;
  /** The reason phrase (may be empty). */
  readonly reason: string;

  /** @internal Built by the parser. */
  constructor(init: MessageInit, status: number, reason: string) {
    super(init);
    this.status = status;
    this.reason = reason;
  }
}

export type SipMessage = SipRequest | SipResponse;
