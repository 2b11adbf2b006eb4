// Scores the linking of records that came without an identifier (no resident ID, no credit code)
// against the demo's truth (truth/feeds/<file>.csv names the person or legal entity each row is
// really about). Judged on the registry as it ends up, by clusters: the records of one true person
// belong in one entity, the one holding most of that person's records (its canonical entity). A
// record without an ID is right when it sits in its true person's canonical entity — whether that
// entity got the ID from another source or never saw one.
//   precision: of the records linked to an existing entity (probable, confirmed), the share right;
//   recall:    of the records whose true person has other records, the share right.
// Records with an ID are labelled with it; a record without one takes its row's truth when it is
// the row's only identifier-less record of its kind (a rental row whose tenant and landlord both
// lack an ID cannot say which is its subject).
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../db/db.ts';
import { FEED_TRUTH } from './generate.ts';

export interface LinkCounts {
  /** Records without an identifier of their own that the truth labels. */
  scored: number;
  /** …linked to an existing entity (probable, confirmed). */
  linked: number;
  /** …linked ones in their true entity. */
  correct: number;
  /** …whose true entity has other records: what recall counts against. */
  findable: number;
  /** …findable ones in their true entity, however they got there. */
  found: number;
  /** Findable ones left in clerical review, or made a new entity apart from their true one. */
  inReview: number;
  wronglyNew: number;
}

export interface LinkScore extends LinkCounts {
  precision: number;
  recall: number;
  byFile: Record<string, LinkCounts>;
}

/** `demoDir` is the demo's folder (truth under truth/feeds/). Works in a transaction of its own. */
export async function scoreLinks(db: Db, demoDir: string): Promise<LinkScore> {
  return db.transaction(async (tx) => {
    // Every current person and legal-entity record, labelled with its own identifier when it has one.
    await tx.exec(`
      SET LOCAL work_mem = '64MB';
      -- Every join here is of tens of thousands of rows whose counts the planner guesses from
      -- aggregates (a HAVING, a CTE): a guess of one row made a nested loop of 40,000².
      SET LOCAL enable_nestloop = off;
      CREATE TEMP TABLE link_records ON COMMIT DROP AS
      SELECT f.file_name AS file, r.row_number AS row, r.entity_kind AS kind, r.entity_id, r.link_status AS status,
             CASE r.entity_kind WHEN 'person' THEN r.fields->>'id_number' ELSE r.fields->>'credit_code' END AS truth
        FROM source_records r JOIN feeds f ON f.district_id = r.district_id AND f.id = r.feed_id
       WHERE r.entity_kind IN ('person', 'legal_entity') AND r.retired_by_feed IS NULL;
      CREATE TEMP TABLE link_truth (file text, row integer, entity text) ON COMMIT DROP;
      CREATE TEMP TABLE link_truth_file (row integer, entity text, address text, related text, errors text) ON COMMIT DROP`);
    const files = await tx.query<{ file: string }>(
      `SELECT DISTINCT file FROM link_records WHERE truth IS NULL ORDER BY file`,
    );
    for (const { file } of files) {
      await tx.exec('TRUNCATE link_truth_file');
      await tx.copyFrom(
        'COPY link_truth_file FROM STDIN WITH (FORMAT csv, HEADER true)',
        await readTruth(join(demoDir, FEED_TRUTH.dir, file)),
      );
      await tx.query(
        `INSERT INTO link_truth SELECT $1, row, entity FROM link_truth_file WHERE entity <> ''`,
        [file],
      );
    }
    // Fresh statistics: without them the planner nests loops over the two temporary tables.
    await tx.exec('ANALYZE link_records; ANALYZE link_truth');
    const rows = await tx.query<LinkCounts & { file: string }>(`
      WITH alone AS (
        SELECT file, row, kind FROM link_records WHERE truth IS NULL GROUP BY 1, 2, 3 HAVING count(*) = 1),
      idless AS (
        SELECT r.file, r.row, r.kind, r.entity_id, r.status, t.entity AS truth
          FROM link_records r
          JOIN alone a ON a.file = r.file AND a.row = r.row AND a.kind = r.kind
          JOIN link_truth t ON t.file = r.file AND t.row = r.row
         WHERE r.truth IS NULL),
      labelled AS (
        SELECT kind, entity_id, truth FROM link_records WHERE truth IS NOT NULL
        UNION ALL
        SELECT kind, entity_id, truth FROM idless),
      clusters AS (
        SELECT kind, truth, entity_id, count(*) AS n FROM labelled WHERE entity_id IS NOT NULL GROUP BY 1, 2, 3),
      canonical AS (
        SELECT DISTINCT ON (kind, truth) kind, truth, entity_id FROM clusters ORDER BY kind, truth, n DESC, entity_id),
      sizes AS (SELECT kind, truth, count(*) AS n FROM labelled GROUP BY 1, 2),
      judged AS (
        SELECT i.file, i.status, s.n > 1 AS findable, i.entity_id IS NOT NULL AND i.entity_id = c.entity_id AS correct
          FROM idless i
          JOIN sizes s ON s.kind = i.kind AND s.truth = i.truth
          LEFT JOIN canonical c ON c.kind = i.kind AND c.truth = i.truth)
      SELECT file,
             count(*)::int AS scored,
             (count(*) FILTER (WHERE status IN ('probable', 'confirmed')))::int AS linked,
             (count(*) FILTER (WHERE status IN ('probable', 'confirmed') AND correct))::int AS correct,
             (count(*) FILTER (WHERE findable))::int AS findable,
             (count(*) FILTER (WHERE findable AND correct))::int AS found,
             (count(*) FILTER (WHERE findable AND status = 'review'))::int AS "inReview",
             (count(*) FILTER (WHERE findable AND status = 'new' AND NOT correct))::int AS "wronglyNew"
        FROM judged GROUP BY file ORDER BY file`);
    const total: LinkCounts = {
      scored: 0,
      linked: 0,
      correct: 0,
      findable: 0,
      found: 0,
      inReview: 0,
      wronglyNew: 0,
    };
    const byFile: Record<string, LinkCounts> = {};
    for (const { file, ...counts } of rows) {
      byFile[file] = counts;
      for (const key of Object.keys(total) as (keyof LinkCounts)[]) total[key] += counts[key];
    }
    return {
      ...total,
      precision: total.linked === 0 ? 1 : total.correct / total.linked,
      recall: total.findable === 0 ? 1 : total.found / total.findable,
      byFile,
    };
  });
}

async function readTruth(path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(path)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
