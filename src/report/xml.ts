/**
 * Minimal XML writing for the JUnit report: escaping, characters illegal in XML 1.0 removed,
 * elements built as strings.
 */

/** Anything XML 1.0 does not allow: C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF. */
const ILLEGAL_XML_CHARS = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `text` without the characters XML 1.0 does not allow. */
export function stripIllegalXml(text: string): string {
  return text.replace(ILLEGAL_XML_CHARS, '');
}

/** Escape text content: `&`, `<`, `>` (and illegal characters removed). */
export function escapeXmlText(text: string): string {
  return stripIllegalXml(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escape an attribute value, keeping newlines and tabs (which parsers would turn into spaces). */
export function escapeXmlAttr(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/** Attribute values; `undefined` leaves the attribute out. */
export type XmlAttrs = Record<string, string | number | undefined>;

/** An element with child elements, or with one piece of text content. */
export type XmlNode =
  | { name: string; attrs: XmlAttrs; children: XmlNode[] }
  | { name: string; attrs: XmlAttrs; text: string };

/** An element node with child elements. */
export function xmlElement(name: string, attrs: XmlAttrs, children: XmlNode[] = []): XmlNode {
  return { name, attrs, children };
}

/** An element node with text content. */
export function xmlText(name: string, attrs: XmlAttrs, text: string): XmlNode {
  return { name, attrs, text };
}

/** Serialise a node, children indented by two spaces per level (text content is kept as is). */
export function renderXml(node: XmlNode, depth = 0): string {
  const indent = '  '.repeat(depth);
  const attrText = Object.entries(node.attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXmlAttr(String(value))}"`)
    .join('');
  if ('text' in node) return `${indent}<${node.name}${attrText}>${escapeXmlText(node.text)}</${node.name}>`;
  if (node.children.length === 0) return `${indent}<${node.name}${attrText}/>`;
  const children = node.children.map((child) => renderXml(child, depth + 1)).join('\n');
  return `${indent}<${node.name}${attrText}>\n${children}\n${indent}</${node.name}>`;
}
