// application/x-www-form-urlencoded bodies as Open311 clients send them, including service-definition
// answers: attribute[CODE]=v, and attribute[CODE][]=v repeated for a multivaluelist.

export interface FormBody {
  fields: Record<string, string>;
  attributes: Record<string, string | string[]>;
}

const ATTRIBUTE = /^attribute\[([^\]]+)\](\[\])?$/;

export function parseForm(body: string): FormBody {
  const fields: Record<string, string> = {};
  const attributes: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const match = ATTRIBUTE.exec(key);
    if (!match) {
      fields[key] = value;
      continue;
    }
    const code = match[1]!;
    if (match[2]) {
      const list = attributes[code];
      attributes[code] = Array.isArray(list)
        ? [...list, value]
        : list === undefined
          ? [value]
          : [list, value];
    } else attributes[code] = value;
  }
  return { fields, attributes };
}

/** A JSON body in the same shape: top-level strings, numbers as text, and an `attribute` object. */
export function formFromJson(body: unknown): FormBody {
  const fields: Record<string, string> = {};
  const attributes: Record<string, string | string[]> = {};
  if (!body || typeof body !== 'object') return { fields, attributes };
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === 'attribute' && value && typeof value === 'object') {
      for (const [code, v] of Object.entries(value as Record<string, unknown>))
        attributes[code] = Array.isArray(v) ? v.map(String) : String(v);
    } else if (value !== null && value !== undefined && typeof value !== 'object')
      fields[key] = String(value);
  }
  return { fields, attributes };
}
