import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../../db/testing.ts';
import { type Ctx, systemCtx } from '../../access/context.ts';
import { currentMatchIndex } from './index.ts';
import { matchAddress } from './match.ts';
import { confirmReview, dismissReview, enqueueForReview, listReviewItems, maskPersonal } from './review.ts';
import { AREAS, roomId, seedMatchLibrary } from './testing.ts';

describe(`the address review queue on ${testEngine}`, () => {
  let t: TestDb;
  let ctx: Ctx;
  beforeAll(async () => {
    t = await createTestDb();
    ctx = systemCtx(t.db);
    await seedMatchLibrary(t.db);
  });
  afterAll(() => t.destroy());

  const matchNow = async (text: string) => matchAddress(await currentMatchIndex(t.db), text);
  const as = (role: Ctx['actor']['role'], scope: Ctx['actor']['scope']): Ctx => ({
    db: t.db,
    actor: { username: `reviewer-${role}-${scope.id}`, role, scope },
  });

  it('queues ambiguous and unmatched texts, not confident matches or non-addresses', async () => {
    const confident = await matchNow('益田路3013号南方国际B座2301房');
    expect(await enqueueForReview(ctx, confident.input, confident, 'feed:test')).toBeNull();
    const empty = await matchNow('');
    expect(await enqueueForReview(ctx, '', empty, 'feed:test')).toBeNull();

    const ambiguous = await matchNow('益田路3013号2301');
    const item = await enqueueForReview(ctx, ambiguous.input, ambiguous, 'feed:test');
    expect(item).toMatchObject({
      status: 'open',
      matchStatus: 'ambiguous',
      source: 'feed:test',
      occurrences: 1,
      text: '益田路3013号2301',
    });
    expect(item!.candidates).toHaveLength(2);

    // The same text again counts up instead of queueing twice.
    const again = await enqueueForReview(ctx, ' 益田路３０１３号2301 ', ambiguous, 'report:7');
    expect(again).toMatchObject({ id: item!.id, occurrences: 2 });
  });

  it('masks names and phone numbers before storing a text', async () => {
    expect(maskPersonal('张三 13800138000 益田路3013号')).toBe('张* 138****8000 益田路3013号');
    const text = '李四13912345678南方国际广场2301';
    const item = await enqueueForReview(ctx, text, await matchNow(text), 'report:1');
    expect(item!.input).not.toContain('13912345678');
    expect(item!.input).not.toContain('李四');
    expect(JSON.stringify(item)).not.toContain('13912345678');
  });

  it('a confirmation is remembered: the same text then matches', async () => {
    const text = '南方国际2301';
    const before = await matchNow(text);
    expect(before.status).toBe('ambiguous');
    const item = await enqueueForReview(ctx, text, before, 'feed:test');

    const confirmed = await confirmReview(ctx, item!.id, {
      addressId: roomId('NF-A', '2301'),
      note: 'A座 per caller',
    });
    expect(confirmed).toMatchObject({
      status: 'confirmed',
      addressId: roomId('NF-A', '2301'),
      resolvedBy: 'system',
    });

    const after = await matchNow(text);
    expect(after).toMatchObject({
      status: 'matched',
      address_id: roomId('NF-A', '2301'),
      level: 'room',
      score: 1,
      grid_id: AREAS.mingyueGrid,
    });
    expect(after.reason).toMatch(/confirmed/);
    // Written another way that normalises the same, too.
    expect((await matchNow('南方國際２３０１')).address_id).toBe(roomId('NF-A', '2301'));

    const [audit] = await t.db.query<{ actor: string; detail: { addressId: string } }>(
      "SELECT actor, detail FROM audit_log WHERE action = 'address.review.confirm' AND entity_id = $1",
      [item!.id],
    );
    expect(audit).toMatchObject({ actor: 'system', detail: { addressId: roomId('NF-A', '2301') } });
    await expect(confirmReview(ctx, item!.id, { addressId: 'NF-B' })).rejects.toThrow(/already confirmed/);
  });

  it('rejects a confirmation to an address that does not exist', async () => {
    const text = '南方国际1201';
    const item = await enqueueForReview(ctx, text, await matchNow(text), 'feed:test');
    await expect(confirmReview(ctx, item!.id, { addressId: 'NOPE' })).rejects.toThrow(/not in the library/);
    await expect(confirmReview(ctx, '999999', { addressId: 'NF-A' })).rejects.toThrow(/not found/);
  });

  it('checks permission and scope', async () => {
    const text = '华强3801';
    const item = await enqueueForReview(ctx, text, await matchNow(text), 'feed:test');
    expect(item!.candidates.map((c) => c.grid_id)).toContain(AREAS.fuqiangGrid);

    const analyst = as('analyst', { kind: 'district', id: '*' });
    await expect(listReviewItems(analyst)).rejects.toThrow(/lacks permission addresses:write/);

    // A grid worker of 明月 does not see 华强 items and cannot confirm them.
    const mingyue = as('grid_worker', { kind: 'community', id: AREAS.mingyue });
    const visible = await listReviewItems(mingyue);
    expect(visible.map((i) => i.id)).not.toContain(item!.id);
    expect(visible.length).toBeGreaterThan(0);
    await expect(confirmReview(mingyue, item!.id, { addressId: 'HQ-A' })).rejects.toThrow(
      /outside your scope/,
    );

    const fuqiang = as('grid_worker', { kind: 'community', id: AREAS.fuqiang });
    expect((await listReviewItems(fuqiang)).map((i) => i.id)).toContain(item!.id);
    const done = await confirmReview(fuqiang, item!.id, { addressId: roomId('HQ-A', '3801') });
    expect(done.resolvedBy).toBe(`reviewer-grid_worker-${AREAS.fuqiang}`);
  });

  it('dismisses an item that names no address', async () => {
    const text = '啊啊啊啊';
    const item = await enqueueForReview(ctx, text, await matchNow(text), 'report:9');
    expect(item?.matchStatus).toBe('unmatched');
    const dismissed = await dismissReview(ctx, item!.id, { note: 'not an address' });
    expect(dismissed).toMatchObject({ status: 'dismissed', note: 'not an address' });
    expect((await listReviewItems(ctx, { status: 'dismissed' })).map((i) => i.id)).toContain(item!.id);
    expect((await listReviewItems(ctx)).map((i) => i.id)).not.toContain(item!.id);
  });
});
