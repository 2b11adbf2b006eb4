import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import type { Ctx } from '../../foundation/access/context.ts';
import { listOutbox } from '../outbox.ts';
import { getServiceRequest } from '../requests/read.ts';
import { submitServiceRequest } from '../requests/submit.ts';
import { actAs, MINGYUE_GRID_1, near, report, seedGovernance } from '../testing.ts';
import { getWorkOrder } from '../workorders/read.ts';
import { transitionWorkOrder } from '../workorders/transitions.ts';
import { rateByVisitToken, recordVisit } from './visits.ts';

describe(`return visits on ${testEngine}`, () => {
  let t: TestDb;
  let admin: Ctx;
  let operator: Ctx;
  let urban: Ctx;
  let anonymous: Ctx;

  beforeAll(async () => {
    t = await createTestDb();
    admin = await seedGovernance(t.db);
    operator = await actAs(t.db, 'operator', { kind: 'district', id: '*' });
    urban = await actAs(t.db, 'agency_handler', { kind: 'agency', id: 'urban-management' });
    anonymous = {
      db: t.db,
      actor: { username: 'anonymous', role: 'external_consumer', scope: { kind: 'agency', id: '' } },
    };
  });
  afterAll(async () => {
    await t.destroy();
  });

  let spot = 0;
  /** A resolved request and the token from its SMS link. */
  const resolved = async () => {
    spot += 1;
    const r = await submitServiceRequest(
      admin,
      report('streetlight-out', MINGYUE_GRID_1, near(MINGYUE_GRID_1, 0, spot * 300 - 900)),
    );
    await transitionWorkOrder(urban, r.id, 'accept');
    await transitionWorkOrder(urban, r.id, 'resolve', '已修复');
    const sms = (
      await t.db.query<{ body: string }>(
        "SELECT body FROM gov_outbox WHERE request_id = $1 AND kind = 'visit_link'",
        [r.id],
      )
    )[0]!;
    return { id: r.id, token: sms.body.match(/\/visit\/([\w-]+)/)![1]! };
  };

  it('closes the order when the reporter is satisfied; the link works once', async () => {
    const { id, token } = await resolved();
    const visit = await rateByVisitToken(anonymous, token, { rating: 5, comment: '很快' });
    expect(visit).toMatchObject({ requestId: id, rating: 5, channel: 'sms_link', reopened: false });
    expect((await getWorkOrder(admin, id)).history.at(-1)).toMatchObject({
      action: 'close',
      actor: 'reporter',
    });
    expect((await getServiceRequest(admin, id)).status).toBe('closed');
    await expect(rateByVisitToken(anonymous, token, { rating: 4 })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('reopens the order when the reporter is dissatisfied, back to the agency that resolved it', async () => {
    const { id, token } = await resolved();
    const visit = await rateByVisitToken(anonymous, token, { rating: 2, comment: '灯还是不亮' });
    expect(visit.reopened).toBe(true);
    const order = await getWorkOrder(admin, id);
    expect(order).toMatchObject({ status: 'dispatched', agency: 'urban-management', reopens: 1 });
    expect(order.history.at(-1)).toMatchObject({
      action: 'reopen',
      note: expect.stringMatching(/rated 2\/5/),
    });
    expect((await getServiceRequest(admin, id)).reopenCount).toBe(1);
    expect((await listOutbox(admin, { requestId: id }))[0]).toMatchObject({
      kind: 'reopened',
      recipient: 'agency:urban-management',
    });
  });

  it('refuses a rating before resolution, a second rating, and a rating out of range', async () => {
    const r = await submitServiceRequest(admin, report('pavement-damage', MINGYUE_GRID_1));
    await expect(recordVisit(operator, r.id, { rating: 4 })).rejects.toMatchObject({ code: 'conflict' });
    const { id } = await resolved();
    await expect(recordVisit(operator, id, { rating: 6 })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await recordVisit(operator, id, { rating: 3, channel: 'phone' })).toMatchObject({
      reopened: false,
    });
    await expect(recordVisit(operator, id, { rating: 1 })).rejects.toMatchObject({ code: 'conflict' });
    await expect(recordVisit(urban, id, { rating: 1 })).rejects.toMatchObject({ code: 'forbidden' });
  });
});
