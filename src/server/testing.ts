// Test helpers for the HTTP layer: an app on a test database, and tokens for any role and scope.
import type { Db } from '../db/db.ts';
import type { Scope } from '../foundation/access/context.ts';
import { systemCtx } from '../foundation/access/context.ts';
import type { Role } from '../foundation/access/roles.ts';
import { createToken, createUser } from '../foundation/access/users.ts';
import { type App, buildApp } from './app.ts';

let userCounter = 0;

export interface TestApp {
  app: App;
  /** Creates a user with this role and scope and returns a bearer header for it. */
  authAs(role: Role, scope?: Scope): Promise<{ authorization: string }>;
}

export async function createTestApp(db: Db): Promise<TestApp> {
  const app = await buildApp({ db });
  return {
    app,
    async authAs(role, scope = { kind: 'district', id: '*' }) {
      userCounter += 1;
      const username = `test-${role.replaceAll('_', '-')}-${userCounter}`;
      const ctx = systemCtx(db);
      await createUser(ctx, { username, displayName: `Test ${role}`, role, scope });
      const { token } = await createToken(ctx, { username });
      return { authorization: `Bearer ${token}` };
    },
  };
}
