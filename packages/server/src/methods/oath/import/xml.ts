/**
 * A small, strict XML reader for PSKC files: elements, attributes, text, comments, CDATA and the
 * five predefined entities plus character references. No DTDs (a DOCTYPE is refused, so no
 * entity expansion or external fetches — XXE is impossible), no processing beyond the XML
 * declaration. Names are resolved to (namespace URI, local name). Every node keeps its line.
 */
export interface XmlElement {
  ns: string;
  local: string;
  attrs: Map<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
}

export class XmlError extends Error {
  override name = 'XmlError';
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;

export function parseXml(src: string): XmlElement {
  let i = 0;
  let line = 1;
  const advance = (to: number) => {
    for (let k = i; k < to; k++) if (src.charCodeAt(k) === 10) line++;
    i = to;
  };
  const stack: Array<{ el: XmlElement; qname: string; scope: Map<string, string> }> = [];
  let root: XmlElement | undefined;
  if (src.charCodeAt(0) === 0xfeff) i = 1;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const textEnd = lt < 0 ? src.length : lt;
    if (textEnd > i) {
      const text = src.slice(i, textEnd);
      if (stack.length) stack.at(-1)!.el.text += decode(text, line);
      else if (text.trim() !== '') throw new XmlError('text outside the root element', line);
      advance(textEnd);
    }
    if (lt < 0) break;
    if (src.startsWith('<?', i)) {
      const end = src.indexOf('?>', i);
      if (end < 0) throw new XmlError('unterminated processing instruction', line);
      advance(end + 2);
    } else if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i);
      if (end < 0) throw new XmlError('unterminated comment', line);
      advance(end + 3);
    } else if (src.startsWith('<![CDATA[', i)) {
      const end = src.indexOf(']]>', i);
      if (end < 0 || !stack.length) throw new XmlError('misplaced or unterminated CDATA section', line);
      stack.at(-1)!.el.text += src.slice(i + 9, end);
      advance(end + 3);
    } else if (src.startsWith('<!', i)) {
      throw new XmlError('DOCTYPE and entity declarations are not allowed', line);
    } else if (src.startsWith('</', i)) {
      const end = src.indexOf('>', i);
      if (end < 0) throw new XmlError('unterminated end tag', line);
      const qname = src.slice(i + 2, end).trim();
      const top = stack.pop();
      if (!top || top.qname !== qname)
        throw new XmlError(`end tag </${qname}> does not match ${top ? `<${top.qname}>` : 'any open element'}`, line);
      advance(end + 1);
    } else {
      const end = findTagEnd(src, i);
      if (end < 0) throw new XmlError('unterminated start tag', line);
      const selfClosing = src[end - 1] === '/';
      const inner = src.slice(i + 1, selfClosing ? end - 1 : end);
      const startLine = line;
      const m = /^([^\s/>]+)([\s\S]*)$/.exec(inner);
      if (!m || !NAME.test(m[1]!)) throw new XmlError('malformed start tag', line);
      const qname = m[1]!;
      const rawAttrs = parseAttrs(m[2]!, startLine);
      const scope = new Map(stack.at(-1)?.scope ?? []);
      for (const [k, v] of rawAttrs) {
        if (k === 'xmlns') scope.set('', v);
        else if (k.startsWith('xmlns:')) scope.set(k.slice(6), v);
      }
      const [prefix, local] = qname.includes(':') ? (qname.split(':') as [string, string]) : ['', qname];
      const ns = scope.get(prefix);
      if (ns === undefined && prefix !== '') throw new XmlError(`undeclared namespace prefix ${prefix}`, startLine);
      const attrs = new Map<string, string>();
      for (const [k, v] of rawAttrs) if (k !== 'xmlns' && !k.startsWith('xmlns:')) attrs.set(k.includes(':') ? k.split(':')[1]! : k, v);
      const el: XmlElement = { ns: ns ?? '', local, attrs, children: [], text: '', line: startLine };
      if (stack.length) stack.at(-1)!.el.children.push(el);
      else if (root) throw new XmlError('more than one root element', startLine);
      else root = el;
      if (!selfClosing) stack.push({ el, qname, scope });
      advance(end + 1);
    }
  }
  if (stack.length) throw new XmlError(`element <${stack.at(-1)!.qname}> is not closed`, line);
  if (!root) throw new XmlError('no root element', line);
  return root;
}

function findTagEnd(src: string, from: number): number {
  let quote = '';
  for (let k = from + 1; k < src.length; k++) {
    const ch = src[k]!;
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '<') return -1;
    else if (ch === '>') return k;
  }
  return -1;
}

function parseAttrs(s: string, line: number): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\s*([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
  let pos = 0;
  while (pos < s.length) {
    if (/^\s*$/.test(s.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m || !NAME.test(m[1]!)) throw new XmlError('malformed attribute', line);
    if (out.has(m[1]!)) throw new XmlError(`duplicate attribute ${m[1]}`, line);
    out.set(m[1]!, decode(m[2] ?? m[3] ?? '', line));
    pos = re.lastIndex;
  }
  return out;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string, line: number): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);|&/g, (all, ref: string | undefined) => {
    if (!ref) throw new XmlError('bare & in text', line);
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const v = ENTITIES[ref];
    if (v === undefined) throw new XmlError(`unknown entity ${all}`, line);
    return v;
  });
}

/** Children with this local name (and namespace, when given). */
export function kids(el: XmlElement, local: string, ns?: string): XmlElement[] {
  return el.children.filter((c) => c.local === local && (ns === undefined || c.ns === ns));
}

export function kid(el: XmlElement | undefined, local: string, ns?: string): XmlElement | undefined {
  return el ? kids(el, local, ns)[0] : undefined;
}
