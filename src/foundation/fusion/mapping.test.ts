import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCES } from '../../demo/feeds/generate.ts';
import { DomainError } from '../../lib/errors.ts';
import { BUILTIN_SOURCES_DIR, loadSources, parseMapping } from './mapping.ts';
import { compileMapping } from './rows.ts';
import { ELDERLY_MAPPING, HOUSEHOLD_MAPPING, tempDir } from './testing.ts';

function problemsOf(text: string, file = 'src.yaml'): { field?: string; reason: string }[] {
  try {
    parseMapping(text, file);
  } catch (error) {
    if (error instanceof DomainError) return error.problems;
    throw error;
  }
  throw new Error('the mapping loaded');
}

const minimal = (targets: string) => `source: src
title: 测试
priority: 50
targets:
${targets}`;

describe('loading a mapping', () => {
  it('resolves fields against the registry model, orders targets by their refs, hashes the content', () => {
    const m = parseMapping(HOUSEHOLD_MAPPING, '/x/ps_household.yaml');
    expect(m.targets.map((t) => t.name)).toEqual(['household', 'person']);
    const phone = m.targets[1]!.fields.find((f) => f.field === 'phone')!;
    expect(phone).toMatchObject({ columns: ['联系电话'], priority: 40, def: { type: 'phone' } });
    expect(m.targets[1]!.fields.find((f) => f.field === 'id_number')!.required).toBe(true);
    expect(m.encoding).toBe('auto');
    const again = parseMapping(`# reformatted\n${HOUSEHOLD_MAPPING}`, '/y/ps_household.yaml');
    expect(again.sha256).toBe(m.sha256);
  });

  it('reads JSON as well as YAML', () => {
    const json = JSON.stringify({
      source: 'src',
      title: 't',
      priority: 1,
      format: { encoding: 'gbk' },
      targets: { c: { entity: 'city_component', key: ['编号'], fields: { code: '编号' } } },
    });
    expect(parseMapping(json, 'src.json')).toMatchObject({ source: 'src', encoding: 'gb18030' });
  });

  it('names the file and the path of every problem, all at once', () => {
    const problems = problemsOf(
      minimal(`  person:
    entity: person
    key: [证件号]
    fields:
      id_number: 证件号
      nickname: 昵称
      sex: { column: 性别, map: { 男: male } }
      birth_date: { column: 出生, dates: ['YYYY-MM'] }
      attributes.school: 学校
      household_id: { ref: nowhere }
`),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: 'targets.person.fields.nickname',
          reason: expect.stringContaining('no field "nickname"'),
        }),
        expect.objectContaining({
          field: 'targets.person.fields.sex.map.男',
          reason: expect.stringContaining('not one of M, F'),
        }),
        expect.objectContaining({
          field: 'targets.person.fields.birth_date.dates.0',
          reason: expect.stringContaining('needs YYYY'),
        }),
        expect.objectContaining({
          field: 'targets.person.fields.attributes.school',
          reason: expect.stringContaining('needs a type'),
        }),
        expect.objectContaining({
          field: 'targets.person.fields.household_id.ref',
          reason: 'no target "nowhere" in this mapping',
        }),
      ]),
    );
  });

  it('reports schema errors with their path: unknown keys, missing parts, wrong types', () => {
    expect(problemsOf('source: Bad Name\ntitle: x\npriority: high\ntargets: {}\nextra: 1\n')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'source' }),
        expect.objectContaining({ field: 'priority' }),
        expect.objectContaining({ reason: expect.stringContaining('extra') }),
      ]),
    );
    expect(
      problemsOf(
        minimal('  p:\n    entity: person\n    key: [a]\n    fields:\n      name: { column: a, value: x }\n'),
      ),
    ).toEqual([
      expect.objectContaining({
        field: 'targets.p.fields.name',
        reason: expect.stringContaining('exactly one of'),
      }),
    ]);
    expect(problemsOf(minimal('  p:\n    entity: planet\n    key: [a]\n    fields: {}\n'))[0]!.field).toBe(
      'targets.p.entity',
    );
  });

  it('checks the file name, refs between targets, exact keys and regexes', () => {
    expect(
      problemsOf(
        minimal('  c:\n    entity: city_component\n    key: [a]\n    fields: { code: a }\n'),
        'other.yaml',
      ),
    ).toEqual([
      expect.objectContaining({ field: 'source', reason: expect.stringContaining('match the file name') }),
    ]);
    const cycle = problemsOf(
      minimal(`  a:
    entity: license
    key: [n]
    fields: { license_no: n, type: { value: 营业执照 }, holder_entity_id: { ref: b } }
  b:
    entity: room
    key: [r]
    fields: { address_id: r, owner_ids: { ref: a } }
`),
    );
    expect(cycle.map((p) => p.reason)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('target "b" makes a room'),
        expect.stringContaining('target "a" makes a license'),
      ]),
    );
    expect(
      problemsOf(minimal('  l:\n    entity: license\n    key: [n]\n    fields: { license_no: n }\n'))[0]!
        .reason,
    ).toMatch(/type \+ license_no: map all or none/);
    expect(
      problemsOf(minimal('  r:\n    entity: room\n    key: [n]\n    fields: { use: n }\n'))[0]!.reason,
    ).toMatch(/found only by address_id/);
    expect(
      problemsOf(
        minimal(
          '  c:\n    entity: city_component\n    key: [a]\n    fields: { code: { column: a, transform: [{ replace: { pattern: "(", with: "" } }] } }\n',
        ),
      )[0]!.field,
    ).toBe('targets.c.fields.code.transform.0.replace.pattern');
    // Only what linking compares can be evidence for it.
    const [linkOnly] = problemsOf(
      minimal(
        '  p:\n    entity: person\n    key: [n]\n    fields: { name: n, attributes.nation: { column: m, type: text, link_only: true } }\n',
      ),
    );
    expect(linkOnly).toMatchObject({ field: 'targets.p.fields.attributes.nation.link_only' });
    expect(linkOnly!.reason).toMatch(
      /compares .*person on name, birth_date, sex, phone, residence_address_id, not "attributes.nation"/,
    );
    expect(() =>
      problemsOf(
        minimal(
          '  p:\n    entity: person\n    key: [n]\n    fields: { name: n, residence_address_id: { column: a, link_only: true } }\n',
        ),
      ),
    ).toThrow('the mapping loaded');
  });

  it('reports invalid YAML with the parser message', () => {
    expect(problemsOf('source: [unclosed\n')[0]!.reason).toBeTruthy();
  });
});

describe('the mapping folders', () => {
  it('loads every file and refuses two mappings of one source', () => {
    const a = tempDir();
    const b = tempDir();
    writeFileSync(join(a, 'ps_household.yaml'), HOUSEHOLD_MAPPING);
    writeFileSync(join(a, 'ca_elderly.yml'), ELDERLY_MAPPING);
    writeFileSync(join(a, 'notes.txt'), 'not a mapping');
    expect([...loadSources([a]).keys()].sort()).toEqual(['ca_elderly', 'ps_household']);
    writeFileSync(join(b, 'ps_household.json'), JSON.stringify(parseMappingSource()));
    expect(() => loadSources([a, b])).toThrow(/some source mappings are not valid/);
  });

  it('ships a mapping for every demo source, naming only columns its files have', () => {
    const mappings = loadSources([BUILTIN_SOURCES_DIR]);
    expect([...mappings.keys()].sort()).toEqual(SOURCES.map((s) => s.source).sort());
    for (const spec of SOURCES) {
      const header = spec.columns.map((c) => c.header);
      expect(() => compileMapping(mappings.get(spec.source)!, header, spec.source)).not.toThrow();
    }
  });
});

function parseMappingSource() {
  return {
    source: 'ps_household',
    title: 't',
    priority: 1,
    targets: { c: { entity: 'city_component', key: ['a'], fields: { code: 'a' } } },
  };
}
