import { describe, expect, it } from 'vitest';
import { type AreaGeometry, areaM2, bboxOf, pointInGeometry } from '../foundation/areas/geometry.ts';
import { floorLabel, roomCount, roomsOf } from './addresses.ts';
import type { DemoArea } from './areas.ts';
import { buildDemoDistrict } from './model.ts';

const small = buildDemoDistrict({ seed: 7, scale: 0.02 });

/** Shoelace over the outer ring in degrees: positive when counter-clockwise. */
function signedArea(geometry: AreaGeometry): number {
  const ring = geometry.type === 'Polygon' ? geometry.coordinates[0]! : geometry.coordinates[0]![0]!;
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++)
    sum += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return sum / 2;
}

function childrenOf(parent: DemoArea, areas: readonly DemoArea[]): DemoArea[] {
  return areas.filter((a) => a.parentId === parent.id);
}

describe('the demo area tree', () => {
  it('has every level, with national codes and grid codes under them', () => {
    expect(small.district.id).toBe('440304');
    expect(small.subdistricts).toHaveLength(10);
    expect(small.communities).toHaveLength(92);
    for (const s of small.subdistricts) expect(s.id).toMatch(/^440304\d{3}$/);
    for (const c of small.communities) {
      expect(c.id).toMatch(/^\d{12}$/);
      expect(c.id.startsWith(c.parentId!)).toBe(true);
      expect(c.name).toMatch(/社区$/);
      expect(childrenOf(c, small.grids).length).toBeGreaterThanOrEqual(1);
    }
    for (const g of small.grids) {
      expect(g.id).toMatch(/^\d{14}$/);
      expect(g.id.startsWith(g.parentId!)).toBe(true);
    }
    expect(small.grids[0]!.name).toMatch(/^.+社区第01网格$/);
  });

  it('places the district where Futian is, about 79 km²', () => {
    const [west, south, east, north] = bboxOf(small.district.geometry);
    expect(west).toBeGreaterThan(113.98);
    expect(east).toBeLessThan(114.12);
    expect(south).toBeGreaterThan(22.49);
    expect(north).toBeLessThan(22.6);
    expect(areaM2(small.district.geometry) / 1e6).toBeCloseTo(79, -1);
  });

  it('tiles every parent with its children: closed counter-clockwise rings, no gaps, no overlaps', () => {
    const levels: [DemoArea[], DemoArea[]][] = [
      [[small.district], small.subdistricts],
      [small.subdistricts, small.communities],
      [small.communities, small.grids],
    ];
    for (const [parents, children] of levels) {
      for (const parent of parents) {
        const kids = childrenOf(parent, children);
        const sum = kids.reduce((total, kid) => total + areaM2(kid.geometry), 0);
        // Each shape is projected around its own mid-latitude, so sums agree to ~1e-5, not exactly.
        expect(sum / areaM2(parent.geometry)).toBeCloseTo(1, 4);
        for (const kid of kids) {
          const ring = kid.geometry.coordinates[0]!;
          expect(ring[0]).toEqual(ring[ring.length - 1]);
          expect(signedArea(kid.geometry)).toBeGreaterThan(0);
          // Children are rectangles (area = bbox area), so disjoint bboxes mean no overlap.
          const [w, s, e, n] = bboxOf(kid.geometry);
          expect(areaM2(kid.geometry) / areaM2(rect(w, s, e, n))).toBeCloseTo(1, 9);
          expect(pointInGeometry((w + e) / 2, (s + n) / 2, parent.geometry)).toBe(true);
        }
        for (let i = 0; i < kids.length; i++)
          for (let j = i + 1; j < kids.length; j++)
            expect(bboxOverlap(bboxOf(kids[i]!.geometry), bboxOf(kids[j]!.geometry))).toBe(0);
      }
    }
  });
});

function rect(w: number, s: number, e: number, n: number): AreaGeometry {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ],
  };
}

function bboxOverlap(a: number[], b: number[]): number {
  const dx = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const dy = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  return dx > 0 && dy > 0 ? dx * dy : 0;
}

describe('demo buildings and rooms', () => {
  it('puts every building inside its own grid', () => {
    const grids = new Map(small.grids.map((g) => [g.id, g]));
    for (const b of small.buildings) {
      expect(b.id).toMatch(/^\d{19}$/);
      expect(b.id.startsWith(b.gridId)).toBe(true);
      expect(pointInGeometry(b.lng, b.lat, grids.get(b.gridId)!.geometry)).toBe(true);
    }
  });

  it('gives every grid a building and every building a door plate', () => {
    const withBuildings = new Set(small.buildings.map((b) => b.gridId));
    expect(withBuildings.size).toBe(small.grids.length);
    for (const b of small.buildings) {
      expect(b.road).not.toBe('');
      expect(b.roadNo).toMatch(/^\d+$/);
      expect(b.estate).not.toBe('');
    }
    const villages = small.buildings.filter((b) => b.kind === 'village');
    expect(villages.length).toBeGreaterThan(0);
    for (const b of villages) expect(b.floors).toBeGreaterThanOrEqual(5);
    // Urban-village door plates are per building: no two share one.
    const plates = villages.map((b) => `${b.road}${b.roadNo}`);
    expect(new Set(plates).size).toBe(plates.length);
  });

  it('numbers rooms by floor, with 25-digit codes under their building', () => {
    const b = small.buildings.find((x) => x.kind === 'highrise' || x.kind === 'office')!;
    const rooms = [...roomsOf(b)];
    expect(rooms).toHaveLength(roomCount(b));
    expect(new Set(rooms.map((r) => r.id)).size).toBe(rooms.length);
    for (const r of rooms) {
      expect(r.id).toMatch(/^\d{25}$/);
      expect(r.id.startsWith(b.id)).toBe(true);
      expect(r.room).toMatch(/^\d+A?\d{2}$/);
      expect(r.room.startsWith(r.floor)).toBe(true);
    }
    expect(floorLabel({ ...b, skipsUnluckyFloors: true }, 13)).toBe('12A');
  });

  it('is deterministic in the seed', () => {
    const again = buildDemoDistrict({ seed: 7, scale: 0.02 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(small));
    const other = buildDemoDistrict({ seed: 8, scale: 0.02 });
    expect(JSON.stringify(other.buildings)).not.toBe(JSON.stringify(small.buildings));
  });

  it('sizes scale 1 like Futian: ~1,990 grids, ~600,000 rooms, 20–40 rooms a building, unique plates', () => {
    const full = buildDemoDistrict({ seed: 1, scale: 1 });
    const rooms = full.buildings.reduce((total, b) => total + roomCount(b), 0);
    expect(full.grids.length).toBeGreaterThan(1_950);
    expect(full.grids.length).toBeLessThan(2_030);
    expect(rooms).toBeGreaterThan(570_000);
    expect(rooms).toBeLessThan(650_000);
    expect(rooms / full.buildings.length).toBeGreaterThan(20);
    expect(rooms / full.buildings.length).toBeLessThan(40);
    // One door plate, one estate: no generated estate takes another's plate (or a landmark's).
    const estateOfPlate = new Map<string, string>();
    for (const b of full.buildings) {
      const plate = `${b.road}${b.roadNo}号`;
      expect(estateOfPlate.get(plate) ?? b.estate).toBe(b.estate);
      estateOfPlate.set(plate, b.estate);
    }
    expect(estateOfPlate.get('益田路3013号')).toBe('南方国际广场');
    // Smaller scales shrink in proportion (every community keeps one grid at least).
    const tenth = buildDemoDistrict({ seed: 1, scale: 0.1 });
    const tenthRooms = tenth.buildings.reduce((total, b) => total + roomCount(b), 0);
    expect(tenthRooms / rooms).toBeGreaterThan(0.08);
    expect(tenthRooms / rooms).toBeLessThan(0.12);
  });

  it('rejects a scale or seed it cannot build', () => {
    expect(() => buildDemoDistrict({ seed: 1, scale: 0 })).toThrow(/scale/);
    expect(() => buildDemoDistrict({ seed: 1, scale: 10 })).toThrow(/scale/);
    expect(() => buildDemoDistrict({ seed: -1, scale: 0.1 })).toThrow(/seed/);
  });
});
