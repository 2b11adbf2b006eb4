import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.ts';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import type { App } from '../../server/app.ts';
import { createTestApp, type TestApp } from '../../server/testing.ts';
import { systemCtx } from './context.ts';
import { maskIdNumber, maskName, maskPhone } from './masking.ts';
import { createToken, createUser, revokeToken } from './users.ts';

describe('masking', () => {
  it('hides all but the parts needed to recognise a record', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('李')).toBe('*');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('83456')).toBe('***56');
    expect(maskIdNumber('440304199001011234')).toBe('440304********1234');
  });
});

// A district with two subdistricts, each with one community: enough to test scopes.
async function seedAreas(db: Db) {
  const square = JSON.stringify({
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ],
  });
  const areas: [string, string, string, string | null, string[]][] = [
    ['440304', '福田区', 'district', null, ['440304']],
    ['440304010', '福保街道', 'subdistrict', '440304', ['440304', '440304010']],
    ['440304001', '南园街道', 'subdistrict', '440304', ['440304', '440304001']],
    ['440304010004', '明月社区', 'community', '440304010', ['440304', '440304010', '440304010004']],
    ['440304001019', '沙埔头社区', 'community', '440304001', ['440304', '440304001', '440304001019']],
  ];
  for (const [id, name, level, parent, path] of areas)
    await db.query(
      `INSERT INTO areas (id, name, level, parent_id, path, geometry, bbox, area_m2)
       VALUES ($1, $2, $3, $4, $5, $6, '{0,0,1,1}', 1)`,
      [id, name, level, parent, path, square],
    );
}

describe(`access control on ${testEngine}`, () => {
  let t: TestDb;
  let app: App;
  let testApp: TestApp;
  beforeAll(async () => {
    t = await createTestDb();
    await seedAreas(t.db);
    testApp = await createTestApp(t.db);
    app = testApp.app;
    const ctx = systemCtx(t.db);
    await createUser(ctx, {
      username: 'wang-fubao',
      displayName: '王小明',
      phone: '13800001111',
      role: 'grid_worker',
      scope: { kind: 'community', id: '440304010004' },
    });
    await createUser(ctx, {
      username: 'li-nanyuan',
      displayName: '李华',
      phone: '13900002222',
      role: 'grid_worker',
      scope: { kind: 'community', id: '440304001019' },
    });
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('requires a valid token on /api routes, but not on health', async () => {
    expect((await app.inject({ url: '/api/health' })).statusCode).toBe(200);
    const none = await app.inject({ url: '/api/me' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ error: 'unauthorized', requestId: expect.any(String) });
    const bogus = await app.inject({ url: '/api/me', headers: { authorization: 'Bearer cb_not-a-token' } });
    expect(bogus.statusCode).toBe(401);
  });

  it('answers /api/me with role, scope and permissions', async () => {
    const headers = await testApp.authAs('analyst', { kind: 'subdistrict', id: '440304010' });
    const me = (await app.inject({ url: '/api/me', headers })).json();
    expect(me).toMatchObject({ role: 'analyst', scope: { kind: 'subdistrict', id: '440304010' } });
    expect(me.permissions).toContain('areas:read');
    expect(me.permissions).not.toContain('personal:unmask');
  });

  it('refuses revoked and expired tokens and disabled users', async () => {
    const ctx = systemCtx(t.db);
    const revoked = await createToken(ctx, { username: 'wang-fubao' });
    const bearer = { authorization: `Bearer ${revoked.token}` };
    expect((await app.inject({ url: '/api/me', headers: bearer })).statusCode).toBe(200);
    await revokeToken(ctx, revoked.id);
    expect((await app.inject({ url: '/api/me', headers: bearer })).statusCode).toBe(401);

    const expired = await createToken(ctx, { username: 'wang-fubao' });
    await t.db.query("UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE id = $1", [
      expired.id,
    ]);
    expect(
      (await app.inject({ url: '/api/me', headers: { authorization: `Bearer ${expired.token}` } }))
        .statusCode,
    ).toBe(401);

    const live = await createToken(ctx, { username: 'li-nanyuan' });
    await t.db.query("UPDATE users SET disabled_at = now() WHERE username = 'li-nanyuan'");
    const res = await app.inject({ url: '/api/me', headers: { authorization: `Bearer ${live.token}` } });
    await t.db.query("UPDATE users SET disabled_at = NULL WHERE username = 'li-nanyuan'");
    expect(res.statusCode).toBe(401);
  });

  it('records when a token was last used, to the minute', async () => {
    const ctx = systemCtx(t.db);
    const { id, token } = await createToken(ctx, { username: 'wang-fubao' });
    const lastUsed = async () =>
      (
        await t.db.query<{ at: string }>('SELECT last_used_at::text AS at FROM api_tokens WHERE id = $1', [
          id,
        ])
      )[0]?.at;
    const headers = { authorization: `Bearer ${token}` };
    expect(await lastUsed()).toBeNull();
    expect((await app.inject({ url: '/api/me', headers })).statusCode).toBe(200);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    // Within the minute a request reads, but does not write.
    expect((await app.inject({ url: '/api/me', headers })).statusCode).toBe(200);
    expect(await lastUsed()).toBe(first);
    await t.db.query("UPDATE api_tokens SET last_used_at = now() - interval '2 minutes' WHERE id = $1", [id]);
    const old = await lastUsed();
    expect((await app.inject({ url: '/api/me', headers })).statusCode).toBe(200);
    expect(await lastUsed()).not.toBe(old);
  });

  it('masks personal data by default', async () => {
    const headers = await testApp.authAs('operator');
    const users = (await app.inject({ url: '/api/users', headers })).json() as {
      username: string;
      phone: string;
    }[];
    const wang = users.find((u) => u.username === 'wang-fubao');
    expect(wang).toMatchObject({ displayName: '王**', phone: '138****1111' });
    const one = (await app.inject({ url: '/api/users/wang-fubao', headers })).json();
    expect(one).toMatchObject({ displayName: '王**', phone: '138****1111' });
  });

  it('shows personal data in clear only with permission and a reason, and logs the read', async () => {
    const analyst = await testApp.authAs('admin');
    const operator = await testApp.authAs('operator');
    const noReason = await app.inject({ url: '/api/users/wang-fubao?unmask=phone', headers: operator });
    expect(noReason.statusCode).toBe(400);

    const clear = await app.inject({
      url: `/api/users/wang-fubao?unmask=phone&reason=${encodeURIComponent('回访核实')}`,
      headers: operator,
    });
    expect(clear.statusCode).toBe(200);
    expect(clear.json()).toMatchObject({ phone: '13800001111', displayName: '王**' });

    const log = (await app.inject({ url: '/api/access-log?subjectId=wang-fubao', headers: analyst })).json();
    expect(log[0]).toMatchObject({
      actor: expect.stringMatching(/^test-operator-/),
      subjectKind: 'user',
      subjectId: 'wang-fubao',
      fields: ['phone'],
      reason: '回访核实',
      requestId: clear.headers['x-request-id'],
    });

    // A role without the unmask permission gets 403 and nothing is logged.
    const gridWorker = await testApp.authAs('grid_worker', { kind: 'community', id: '440304010004' });
    const before = (await t.db.query('SELECT count(*)::int AS n FROM access_log'))[0] as { n: number };
    expect(
      (await app.inject({ url: '/api/users/wang-fubao?unmask=phone&reason=x1', headers: gridWorker }))
        .statusCode,
    ).toBe(403);
    const after = (await t.db.query('SELECT count(*)::int AS n FROM access_log'))[0] as { n: number };
    expect(after.n).toBe(before.n);
  });

  it('keeps a scoped user inside its scope', async () => {
    const fubaoOperator = await testApp.authAs('operator', { kind: 'subdistrict', id: '440304010' });
    const users = (await app.inject({ url: '/api/users', headers: fubaoOperator })).json() as {
      username: string;
    }[];
    expect(users.map((u) => u.username)).toContain('wang-fubao');
    expect(users.map((u) => u.username)).not.toContain('li-nanyuan');
    const outside = await app.inject({ url: '/api/users/li-nanyuan', headers: fubaoOperator });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().message).toMatch(/outside your scope/);
  });

  it('lets only admins create users and tokens, and audits both', async () => {
    const operator = await testApp.authAs('operator');
    const body = {
      username: 'zhao-handler',
      displayName: '赵六',
      role: 'agency_handler',
      scope: { kind: 'agency', id: 'urban-management' },
    };
    expect(
      (await app.inject({ method: 'POST', url: '/api/users', headers: operator, payload: body })).statusCode,
    ).toBe(403);
    const admin = await testApp.authAs('admin');
    const created = await app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: body });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ username: 'zhao-handler', displayName: '赵*' });
    const token = await app.inject({
      method: 'POST',
      url: '/api/users/zhao-handler/tokens',
      headers: admin,
      payload: { name: 'handler app' },
    });
    expect(token.statusCode).toBe(201);
    const secret = token.json().token as string;
    const me = await app.inject({ url: '/api/me', headers: { authorization: `Bearer ${secret}` } });
    expect(me.json()).toMatchObject({ username: 'zhao-handler', scope: { kind: 'agency' } });

    const audit = (await app.inject({ url: '/api/audit?entityId=zhao-handler', headers: admin })).json();
    expect(audit.map((a: { action: string }) => a.action).sort()).toEqual(['token.create', 'user.create']);
  });

  it('rejects a user whose scope names an unknown area or the wrong level', async () => {
    const ctx = systemCtx(t.db);
    const base = { displayName: 'x', role: 'grid_worker' as const };
    await expect(
      createUser(ctx, { ...base, username: 'nowhere', scope: { kind: 'community', id: '999' } }),
    ).rejects.toThrow(/no such area/);
    await expect(
      createUser(ctx, { ...base, username: 'wrong-level', scope: { kind: 'community', id: '440304010' } }),
    ).rejects.toThrow(/is a subdistrict, not a community/);
    await expect(
      createUser(ctx, { ...base, username: 'Bad Name', scope: { kind: 'district', id: '*' } }),
    ).rejects.toMatchObject({ problems: [{ field: 'username' }] });
  });

  it('answers schema errors with the field, and unexpected errors without internals', async () => {
    const admin = await testApp.authAs('admin');
    const bad = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { username: 1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems.map((p: { field: string }) => p.field)).toContain('body.username');

    const res = await app.inject({ url: '/api/audit?limit=abc', headers: admin });
    expect(res.statusCode).toBe(400);

    const other = await createTestApp(t.db);
    other.app.get('/api/boom', async () => {
      throw new Error('relation "secret_table" does not exist');
    });
    const boom = await other.app.inject({ url: '/api/boom', headers: await other.authAs('admin') });
    await other.app.close();
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toMatch(/secret_table/);
    expect(boom.json()).toEqual({
      error: 'internal',
      message: 'an unexpected error occurred',
      requestId: boom.headers['x-request-id'],
    });
  });
});
