import { describe, expect, it } from 'vitest';
import { Linker, MATCH_WEIGHT, REVIEW_WEIGHT, similarDate, similarName } from './linking.ts';
import { residentId } from './testing.ts';

// Rooms R1, R2 in building B1; R3 in B2.
const BUILDINGS: Record<string, string> = { R1: 'B1', R2: 'B1', B1: 'B1', R3: 'B2', B2: 'B2' };

function registry() {
  let next = 1000;
  const linker = new Linker({ buildingOf: (a) => BUILDINGS[a], takeId: () => next++ });
  linker.emptyIndex('person');
  linker.emptyIndex('legal_entity');
  // The registry as public security left it: IDs, names, birth dates, rooms.
  linker.remember('person', 1, {
    id_number: residentId('1980-01-02', 1),
    name: '张伟',
    sex: 'M',
    birth_date: '1980-01-02',
    residence_address_id: 'R1',
    phone: '13800138000',
  });
  linker.remember('person', 2, {
    id_number: residentId('1975-06-30', 2),
    name: '张伟',
    sex: 'M',
    birth_date: '1975-06-30',
    residence_address_id: 'R3',
  });
  // Twins: same surname, birth date and room.
  linker.remember('person', 3, {
    id_number: residentId('2015-03-02', 3),
    name: '陈一鸣',
    sex: 'M',
    birth_date: '2015-03-02',
    residence_address_id: 'R2',
  });
  linker.remember('person', 4, {
    id_number: residentId('2015-03-02', 4),
    name: '陈一航',
    sex: 'M',
    birth_date: '2015-03-02',
    residence_address_id: 'R2',
  });
  return linker;
}

describe('exact linking', () => {
  it('links a record with a known ID to its entity, whatever else it says', () => {
    const linker = registry();
    const result = linker.link('person', {
      id_number: residentId('1980-01-02', 1),
      name: '张 伟',
      phone: '13900000000',
    });
    expect(result).toMatchObject({
      status: 'exact',
      entityId: 1,
      link: { method: 'exact', key: ['id_number'] },
    });
  });

  it('creates an entity for a new key, and the next record of that key finds it', () => {
    const linker = registry();
    const id = residentId('1990-05-05', 9);
    const first = linker.link('person', { id_number: id, name: '刘洋', birth_date: '1990-05-05' });
    expect(first.status).toBe('new');
    expect(linker.link('person', { id_number: id })).toMatchObject({
      status: 'exact',
      entityId: first.entityId,
    });
  });

  it('leaves a room without its address unlinked: only the address names it', () => {
    const linker = new Linker({ buildingOf: () => undefined, takeId: () => 1 });
    linker.emptyIndex('room');
    expect(linker.link('room', { use: 'residential' })).toMatchObject({ status: 'unlinked', entityId: null });
  });
});

describe('probabilistic linking of records without an ID', () => {
  it('links the same person by name, birth date and room, with the weight of each field stored', () => {
    const result = registry().link('person', {
      name: '张伟',
      birth_date: '1980-01-02',
      residence_address_id: 'R1',
    });
    expect(result.status).toBe('probable');
    expect(result.entityId).toBe(1);
    const { comparisons, score, threshold } = result.link;
    expect(threshold).toEqual({ match: MATCH_WEIGHT, review: REVIEW_WEIGHT });
    expect(comparisons!.map((c) => [c.field, c.level])).toEqual([
      ['name', 'exact'],
      ['birth_date', 'exact'],
      ['residence_address_id', 'same_room'],
    ]);
    for (const c of comparisons!) expect(c.weight).toBeCloseTo(Math.log2(c.m / c.u), 1);
    expect(score).toBeCloseTo(
      comparisons!.reduce((s, c) => s + c.weight, 0),
      1,
    );
  });

  it('links on name and phone when the birth date is missing', () => {
    expect(registry().link('person', { name: '张伟', phone: '13800138000' })).toMatchObject({
      status: 'probable',
      entityId: 1,
    });
  });

  it('does not take a different person of the same name', () => {
    const result = registry().link('person', {
      name: '张伟',
      birth_date: '1999-09-09',
      residence_address_id: 'R9',
    });
    expect(result.status).toBe('new');
    expect(result.entityId).toBeGreaterThanOrEqual(1000);
  });

  it('asks a person when one name in one room has two birth dates (a father and son, or a typo)', () => {
    const result = registry().link('person', {
      name: '张伟',
      birth_date: '2001-09-09',
      residence_address_id: 'R3',
    });
    expect(result).toMatchObject({ status: 'review', entityId: null, link: { candidate: { id: 2 } } });
  });

  it('keeps twins apart: same birth date and room, another name', () => {
    const linker = registry();
    const twin = linker.link('person', {
      name: '陈一航',
      birth_date: '2015-03-02',
      residence_address_id: 'R2',
    });
    expect(twin).toMatchObject({ status: 'probable', entityId: 4 });
    expect(twin.link.runnerUp?.id).toBe(3);
    // A third child of that birth date and room, unknown so far: never one of the twins.
    const third = linker.link('person', {
      name: '陈一凡',
      birth_date: '2015-03-02',
      residence_address_id: 'R2',
    });
    expect(third.entityId).not.toBe(3);
    expect(third.entityId).not.toBe(4);
    expect(third.status).toBe('review');
    expect(third.link.reason).toMatch(/name/);
  });

  it('never links a record with an ID to an entity holding another ID', () => {
    const result = registry().link('person', {
      id_number: residentId('1980-01-02', 7),
      name: '张伟',
      birth_date: '1980-01-02',
      residence_address_id: 'R1',
    });
    expect(result.status).toBe('new');
    expect(result.entityId).toBeGreaterThanOrEqual(1000);
  });

  it('gives an ID-less entity its ID when a record with the ID matches it', () => {
    const linker = registry();
    const created = linker.link('person', {
      name: '欧阳娜娜',
      birth_date: '1960-12-01',
      residence_address_id: 'R3',
    });
    expect(created.status).toBe('new');
    const id = residentId('1960-12-01', 5, 'F');
    const withId = linker.link('person', { id_number: id, name: '欧阳娜娜', birth_date: '1960-12-01' });
    expect(withId).toMatchObject({ status: 'probable', entityId: created.entityId });
    expect(linker.link('person', { id_number: id })).toMatchObject({
      status: 'exact',
      entityId: created.entityId,
    });
  });

  it('puts a weak match (a rare name alone) in the review band', () => {
    const linker = registry();
    linker.link('person', { name: '欧阳娜娜', birth_date: '1960-12-01' });
    const weak = linker.link('person', { name: '欧阳娜娜' });
    expect(weak.status).toBe('review');
    expect(weak.entityId).toBeNull();
    expect(weak.link.score).toBeGreaterThanOrEqual(REVIEW_WEIGHT);
    expect(weak.link.score).toBeLessThan(MATCH_WEIGHT);
  });

  it('keeps the link of an earlier delivery of the same record', () => {
    const result = registry().link('person', { name: '某人' }, 2);
    expect(result).toMatchObject({ status: 'probable', entityId: 2, link: { method: 'kept' } });
  });

  it('links a legal entity without a credit code by name and legal representative', () => {
    const linker = registry();
    linker.remember('legal_entity', 50, {
      credit_code: 'X',
      name: '深圳市福田测试科技有限公司',
      legal_rep: '王芳',
    });
    expect(
      linker.link('legal_entity', { name: '深圳市福田测试科技有限公司', legal_rep: '王芳' }),
    ).toMatchObject({
      status: 'probable',
      entityId: 50,
    });
  });
});

describe('evidence for linking only', () => {
  it('tells apart two people of one name, and is not remembered as what the entity says', () => {
    const linker = registry();
    // An owner known by name alone: the room they own is where the first 张伟 lives.
    const owner = linker.link('person', { name: '张伟' }, undefined, undefined, {
      residence_address_id: 'R1',
    });
    expect(owner).toMatchObject({ status: 'probable', entityId: 1 });
    expect(owner.link.comparisons?.map((c) => `${c.field}:${c.level}`)).toEqual([
      'name:exact',
      'residence_address_id:same_room',
    ]);
    // The second 张伟, by name and birth date, with a room he owns in building B1 as evidence.
    expect(
      linker.link('person', { name: '张伟', birth_date: '1975-06-30' }, undefined, undefined, {
        residence_address_id: 'R2',
      }),
    ).toMatchObject({ status: 'probable', entityId: 2 });
    // Had R2 been remembered as his, a nameless record born that day in R2 would join him.
    expect(linker.link('person', { birth_date: '1975-06-30', residence_address_id: 'R2' }).status).toBe(
      'new',
    );
  });
});

describe('remembering', () => {
  it('adds a value that is part of one already known, or known under another field', () => {
    const linker = new Linker({ buildingOf: (a) => BUILDINGS[a], takeId: () => 1 });
    const index = linker.emptyIndex('person');
    linker.remember('person', 7, { name: '陈一鸣', phone: '13800138000', residence_address_id: 'R1' });
    // Each of these sits inside what is packed already, but is not one of its values.
    linker.remember('person', 7, { name: '陈一', phone: '1380013800', residence_address_id: 'R' });
    linker.remember('person', 7, { name: '13800138000', phone: '38000' });
    // Said again: nothing new.
    linker.remember('person', 7, { name: '陈一', phone: '13800138000', residence_address_id: 'R1' });
    const [name, birth, sex, phone, room] = index.known
      .get(7)!
      .split('\u001f')
      .map((f) => f.split('\u001e'));
    expect({ name, birth, sex, phone, room }).toEqual({
      name: ['陈一鸣', '陈一', '13800138000'],
      birth: [''],
      sex: [''],
      phone: ['13800138000', '1380013800', '38000'],
      room: ['R1', 'R'],
    });
    expect(index.nameCounts.get('陈一')).toBe(1);
  });
});

describe('blocking', () => {
  const members = (index: ReturnType<Linker['emptyIndex']>, key: string) => {
    const block = index.blocks.get(key);
    return typeof block === 'number' ? [block] : [...(block ?? [])];
  };

  it('adds an entity to a block once, however often a record says again what it is known by', () => {
    const linker = new Linker({ buildingOf: (a) => BUILDINGS[a], takeId: () => 1 });
    const index = linker.emptyIndex('person');
    const wei = { name: '张伟', birth_date: '1980-01-02', residence_address_id: 'R1' };
    linker.remember('person', 1, wei);
    linker.remember('person', 2, { name: '张伟', birth_date: '1980-01-02' });
    linker.remember('person', 1, wei);
    linker.remember('person', 1, { name: '张伟' });
    expect(members(index, 'n:张伟')).toEqual([1, 2]);
    expect(members(index, 'b:1980-01-02|张')).toEqual([1, 2]);
  });

  it('still adds the keys of values known but never given together', () => {
    const linker = new Linker({ buildingOf: (a) => BUILDINGS[a], takeId: () => 1 });
    const index = linker.emptyIndex('person');
    // The name from one record, the room from another: no key of both yet.
    linker.remember('person', 1, { name: '张伟', birth_date: '1980-01-02' });
    linker.remember('person', 1, { birth_date: '1980-01-02', residence_address_id: 'R1' });
    linker.remember('person', 2, { name: '张伟', residence_address_id: 'R2' });
    expect(members(index, 'a:B1|张')).toEqual([2]);
    linker.remember('person', 1, { name: '张伟', birth_date: '1980-01-02', residence_address_id: 'R1' });
    expect(members(index, 'a:B1|张')).toEqual([2, 1]);
    // Said again after another entity joined the block: not added twice.
    linker.remember('person', 2, { name: '张伟', residence_address_id: 'R2' });
    linker.remember('person', 1, { name: '张伟', birth_date: '1980-01-02', residence_address_id: 'R1' });
    expect(members(index, 'a:B1|张')).toEqual([2, 1]);
  });
});

describe('comparison levels', () => {
  it('calls one changed character of a same-length name similar', () => {
    expect(similarName('陈一鸣', '陈一明')).toBe(true);
    expect(similarName('陈一鸣', '王一鸣')).toBe(false);
    expect(similarName('陈一鸣', '陈一鸣鸣')).toBe(false);
  });
  it('calls a swapped month and day or one changed part similar', () => {
    expect(similarDate('1980-01-02', '1980-02-01')).toBe(true);
    expect(similarDate('1980-01-02', '1981-01-02')).toBe(true);
    expect(similarDate('1980-01-02', '1981-02-02')).toBe(false);
    expect(similarDate('1980-01-02', '1981-02-01')).toBe(false);
    expect(similarDate('1980-01-02', '1980-01-02')).toBe(false);
    expect(similarDate('1980-01-12', '1980-01-21')).toBe(true);
    // Not ISO: compared part by part all the same.
    expect(similarDate('1980-1-2', '1980-2-1')).toBe(true);
    expect(similarDate('1980-1-2', '1981-2-2')).toBe(false);
  });
});
