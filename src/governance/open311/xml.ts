// Open311's XML: schemaless, no namespace, a UTF-8 declaration, and JSON's arrays as a wrapper element
// around repeated items (the Spark convention the spec maps JSON from): `services` → <service>…,
// `attributes` → <attribute>…, errors → <errors><error>.

/** The element each array's items take, by the array's own element name. */
const ITEM_NAMES: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  attributes: 'attribute',
  values: 'value',
  errors: 'error',
  notes: 'note',
  endpoints: 'endpoint',
  formats: 'format',
  photos: 'photo',
};

export type XmlValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | XmlValue[]
  | { [key: string]: XmlValue };

/** Element text needs only &, < and > escaped (there are no attributes). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function element(name: string, value: XmlValue, indent: string): string {
  if (value === null || value === undefined) return `${indent}<${name}></${name}>\n`;
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name];
    if (!item) throw new Error(`no XML item name for the array ${name}`);
    if (value.length === 0) return `${indent}<${name}></${name}>\n`;
    return `${indent}<${name}>\n${value.map((v) => element(item, v, `${indent}  `)).join('')}${indent}</${name}>\n`;
  }
  if (typeof value === 'object') {
    const children = Object.entries(value)
      .map(([k, v]) => element(k, v, `${indent}  `))
      .join('');
    return `${indent}<${name}>\n${children}${indent}</${name}>\n`;
  }
  return `${indent}<${name}>${escapeXml(String(value))}</${name}>\n`;
}

/** A whole document: the declaration, then `root` holding `value` (an array becomes repeated items). */
export function toXml(root: string, value: XmlValue): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value, '')}`;
}
