-- The index columns become views of the record's bytes. Stored copies had to be read back and
-- compared with the bytes on every verification, which was most of its cost; columns that
-- SQLite computes from `body` on each read cannot disagree with it, and a change to how they
-- are computed is a change to this table's definition, which verification compares with the
-- text below. The indexes keep queries by kind and window fast.
ALTER TABLE records RENAME TO records_v1;

CREATE TABLE records (
    seq            INTEGER PRIMARY KEY NOT NULL,
    body           BLOB NOT NULL,
    leaf_hash      BLOB NOT NULL,
    -- A body that is not JSON (only a hand edit makes one) gives empty columns instead of
    -- failing every query that reads them; verification reports the record itself.
    kind           TEXT GENERATED ALWAYS AS (coalesce(json_extract(CASE WHEN json_valid(CAST(body AS TEXT))
                       THEN CAST(body AS TEXT) END, '$.kind'), '')) VIRTUAL,
    recorded_at    TEXT GENERATED ALWAYS AS (coalesce(json_extract(CASE WHEN json_valid(CAST(body AS TEXT))
                       THEN CAST(body AS TEXT) END, '$.recorded_at'), '')) VIRTUAL,
    effective_from TEXT GENERATED ALWAYS AS (coalesce(json_extract(CASE WHEN json_valid(CAST(body AS TEXT))
                       THEN CAST(body AS TEXT) END, '$.effective.from'), '')) VIRTUAL,
    effective_to   TEXT GENERATED ALWAYS AS (coalesce(json_extract(CASE WHEN json_valid(CAST(body AS TEXT))
                       THEN CAST(body AS TEXT) END, '$.effective.to'), '')) VIRTUAL,
    -- ` A.8.9 A.5.15 `, as `LIKE '% A.8.9 %'` expects, from `["A.8.9","A.5.15"]`.
    controls       TEXT GENERATED ALWAYS AS (' ' || ltrim(replace(replace(replace(replace(
                       coalesce(json_extract(CASE WHEN json_valid(CAST(body AS TEXT))
                       THEN CAST(body AS TEXT) END, '$.subject.controls'), ''),
                       '","', ' '), '["', ''), '"]', ''), '[]', '') || ' ')) VIRTUAL
);

INSERT INTO records (seq, body, leaf_hash) SELECT seq, body, leaf_hash FROM records_v1 ORDER BY seq;
DROP TABLE records_v1;

CREATE INDEX records_kind_effective ON records (kind, effective_from);
CREATE INDEX records_effective ON records (effective_from);
