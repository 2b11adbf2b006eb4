// Opening a work order for a request that has a category and is no duplicate: created, dispatched by
// the rule and announced to its holder, in the caller's transaction.
import type { Db } from '../../db/db.ts';
import type { Category } from '../catalogue/model.ts';
import { dispatchTarget } from '../dispatch/dispatch.ts';
import { queueNotices } from '../outbox.ts';
import type { GovernanceReference } from '../reference.ts';
import {
  applyDispatch,
  dispatchNotice,
  insertHistory,
  insertOrder,
  newOrder,
  type OrderState,
} from './store.ts';

/** The automatic dispatcher, as it appears in order histories. */
export const DISPATCHER = 'system:dispatch';

export async function openOrder(
  tx: Db,
  ref: GovernanceReference,
  category: Category,
  request: Parameters<typeof newOrder>[0],
  submittedBy: string,
  at: Date,
): Promise<OrderState> {
  const o = newOrder(request, at);
  const target = await dispatchTarget(tx, ref, category, o);
  const detail = applyDispatch(o, target, category, at);
  await insertOrder(tx, o);
  await insertHistory(tx, [
    {
      districtId: o.districtId,
      requestId: o.requestId,
      action: 'submit',
      from: null,
      to: 'submitted',
      actor: submittedBy,
      at,
    },
    {
      districtId: o.districtId,
      requestId: o.requestId,
      action: 'dispatch',
      from: 'submitted',
      to: 'dispatched',
      actor: DISPATCHER,
      at,
      detail,
    },
  ]);
  await queueNotices(tx, [dispatchNotice(o, ref, category)]);
  return o;
}
