// Roles and what each may do. Kept in code (not the database) so a permission check is a set lookup
// and every change to the model is reviewed in a commit.

export const ROLES = [
  'admin',
  'analyst',
  'operator',
  'agency_handler',
  'grid_worker',
  'external_consumer',
] as const;
export type Role = (typeof ROLES)[number];

export const SCOPE_KINDS = ['district', 'subdistrict', 'community', 'grid', 'agency'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export const PERMISSIONS = [
  'areas:read',
  'areas:write',
  'addresses:read',
  'addresses:write',
  'imports:read',
  'feeds:write',
  'registry:read',
  'requests:read',
  'requests:submit',
  'requests:write',
  'workorders:act',
  'workorders:dispatch',
  'catalogue:write',
  'users:read',
  'users:manage',
  'personal:unmask',
  'audit:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_REFERENCE: Permission[] = ['areas:read', 'addresses:read'];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  analyst: new Set([...READ_REFERENCE, 'imports:read', 'registry:read', 'requests:read']),
  operator: new Set([
    ...READ_REFERENCE,
    'addresses:write',
    'imports:read',
    'registry:read',
    'requests:read',
    'requests:submit',
    'requests:write',
    'workorders:dispatch',
    'users:read',
    'personal:unmask',
  ]),
  agency_handler: new Set([
    ...READ_REFERENCE,
    'registry:read',
    'requests:read',
    'workorders:act',
    'personal:unmask',
  ]),
  grid_worker: new Set([
    ...READ_REFERENCE,
    'addresses:write',
    'registry:read',
    'requests:read',
    'requests:submit',
    'workorders:act',
    'personal:unmask',
  ]),
  // Channel front ends (app, web form, WeChat, sensors) submit reports; they read none back.
  external_consumer: new Set([...READ_REFERENCE, 'requests:submit']),
};

export const ROLE_LABELS: Record<Role, string> = {
  admin: '系统管理员 administrator',
  analyst: '数据分析员 analyst',
  operator: '指挥中心值班员 command-centre operator',
  agency_handler: '处置单位经办人 agency handler',
  grid_worker: '网格员 grid worker',
  external_consumer: '外部数据使用方 external consumer',
};
