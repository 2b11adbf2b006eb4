// The page the return-visit SMS links to (`/visit/{token}`): the reporter taps a rating of 1–5 and
// may add a comment. A plain HTML form (no script, no login: the link's secret is the credential),
// so it works on any phone. Opening the page does not use the link up; sending the rating does.
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../lib/errors.ts';
import type { App } from '../../server/app.ts';
import { parseForm } from '../open311/form.ts';
import { rateByVisitToken, visitByToken } from './visits.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:30em;margin:2em auto;padding:0 1em}button{font-size:1.2em;margin:.2em;padding:.4em .8em}textarea{width:100%}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

const RATINGS = [
  [5, '非常满意 Very satisfied'],
  [4, '满意 Satisfied'],
  [3, '基本满意 Acceptable'],
  [2, '不满意 Dissatisfied'],
  [1, '非常不满意 Very dissatisfied'],
] as const;

function form(token: string, what: string): string {
  const buttons = RATINGS.map(
    ([n, label]) =>
      `<button type="submit" name="rating" value="${n}">${n} · ${escapeHtml(label)}</button><br>`,
  ).join('\n');
  return page(
    '处理结果评价 Rate how your report was handled',
    `<p>${escapeHtml(what)}</p>
<form method="post" action="/visit/${encodeURIComponent(token)}">
<p><label>意见（可选）Comment (optional)<br><textarea name="comment" rows="3" maxlength="1000"></textarea></label></p>
${buttons}
</form>`,
  );
}

const notUsable = (message: string) =>
  page('链接已失效 This link no longer works', `<p>${escapeHtml(message)}</p><p>如有问题请拨打 12345。</p>`);

export async function registerVisitPage(app: App): Promise<void> {
  await app.register(async (scope: FastifyInstance) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 8 * 1024 },
      (_request, body, done) => done(null, parseForm(body as string).fields),
    );
    const html = (reply: { type: (t: string) => unknown }) => reply.type('text/html; charset=utf-8');

    scope.get('/visit/:token', { schema: { hide: true } }, async (request, reply) => {
      const { token } = request.params as { token: string };
      html(reply);
      try {
        const v = await visitByToken(request.ctx, token);
        return form(
          token,
          `您反映的${v.categoryName ?? ''}问题（#${v.requestId}）已办结，请为处理结果评分。`,
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        reply.status(404);
        return notUsable(
          '这个评价链接已使用过，或不存在。The rating was given already, or the link is wrong.',
        );
      }
    });

    scope.post('/visit/:token', { schema: { hide: true } }, async (request, reply) => {
      const { token } = request.params as { token: string };
      const fields = (request.body ?? {}) as Record<string, string>;
      html(reply);
      try {
        const comment = fields.comment?.trim();
        const visit = await rateByVisitToken(request.ctx, token, {
          rating: Number(fields.rating),
          ...(comment ? { comment } : {}),
        });
        return page(
          '感谢您的评价 Thank you',
          visit.reopened
            ? '<p>我们已将您的诉求退回处置单位重新办理。We have sent your report back to be handled again.</p>'
            : '<p>您的评价已记录。Your rating has been recorded.</p>',
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        reply.status(error.code === 'not_found' ? 404 : error.code === 'conflict' ? 409 : 400);
        return error.code === 'invalid_input'
          ? form(token, '请选择 1 到 5 分。Please choose a rating from 1 to 5.')
          : notUsable(error.message);
      }
    });
  });
}
