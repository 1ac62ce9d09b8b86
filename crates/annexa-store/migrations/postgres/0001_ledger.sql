-- The evidence ledger (PostgreSQL). Rows are written only by annexa's append, which locks the
-- head row first (SELECT ... FOR UPDATE), so concurrent writers queue instead of forking the
-- tree; `annexa evidence verify` checks every column against the signed tree.

-- The log's name (`origin`) and its public key, fixed when the ledger is created.
CREATE TABLE ledger_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The tree's right edge, so that appending never rereads the ledger. One row.
CREATE TABLE ledger_head (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    size        BIGINT NOT NULL,
    frontier    BYTEA NOT NULL,
    checkpoints BIGINT NOT NULL
);
INSERT INTO ledger_head (id, size, frontier, checkpoints) VALUES (1, 0, '\x0000000000000000'::bytea, 0);

-- One row per record: the canonical bytes and leaf hash, plus index columns repeated from the
-- bytes for filtering (verify compares them with the bytes).
CREATE TABLE records (
    seq            BIGINT PRIMARY KEY,
    kind           TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT NOT NULL,
    controls       TEXT NOT NULL,
    body           BYTEA NOT NULL,
    leaf_hash      BYTEA NOT NULL
);
CREATE INDEX records_kind_effective ON records (kind, effective_from);
CREATE INDEX records_effective ON records (effective_from);

-- Signed checkpoints (C2SP signed notes), numbered in the order written.
CREATE TABLE checkpoints (
    number BIGINT PRIMARY KEY,
    size   BIGINT NOT NULL,
    note   TEXT NOT NULL
);
