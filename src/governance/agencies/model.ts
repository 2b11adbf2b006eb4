// Agencies (处置单位) that handle work orders: district departments (shipped in departments.json),
// and one office per subdistrict and one workstation per community, derived from the area tree.
import type { AreaGeometry, BBox } from '../../foundation/areas/geometry.ts';
import type { Zoning } from './file.ts';

export const AGENCY_KINDS = ['department', 'subdistrict_office', 'community_workstation'] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export interface Agency {
  code: string;
  name: string;
  nameEn: string;
  kind: AgencyKind;
  /** The subdistrict or community an office or workstation serves. */
  areaId: string | null;
  zoning: Zoning | null;
  active: boolean;
}

/** 业务网格: one of an agency's own polygons. */
export interface HandlingZone {
  agency: string;
  zoneId: string;
  name: string;
  areaIds: string[];
  bbox: BBox;
  geometry: AreaGeometry;
}

export const officeCode = (subdistrictId: string): string => `office-${subdistrictId}`;
export const stationCode = (communityId: string): string => `station-${communityId}`;
