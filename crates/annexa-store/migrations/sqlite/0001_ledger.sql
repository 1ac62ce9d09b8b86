-- The evidence ledger (SQLite). Rows are written only by annexa's append, which takes the
-- write lock first (BEGIN IMMEDIATE); `annexa evidence verify` checks every column against
-- the signed tree, so an edit made here by hand is reported, never trusted.

-- The log's name (`origin`) and its public key, fixed when the ledger is created.
CREATE TABLE ledger_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- The tree's right edge, so that appending never rereads the ledger. One row.
CREATE TABLE ledger_head (
    id          INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    size        INTEGER NOT NULL,
    frontier    BLOB NOT NULL,
    checkpoints INTEGER NOT NULL
);
INSERT INTO ledger_head (id, size, frontier, checkpoints) VALUES (1, 0, zeroblob(8), 0);

-- One row per record: the canonical bytes and leaf hash, plus index columns repeated from the
-- bytes for filtering (verify compares them with the bytes).
CREATE TABLE records (
    seq            INTEGER PRIMARY KEY NOT NULL,
    kind           TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT NOT NULL,
    controls       TEXT NOT NULL,
    body           BLOB NOT NULL,
    leaf_hash      BLOB NOT NULL
);
CREATE INDEX records_kind_effective ON records (kind, effective_from);
CREATE INDEX records_effective ON records (effective_from);

-- Signed checkpoints (C2SP signed notes), numbered in the order written.
CREATE TABLE checkpoints (
    number INTEGER PRIMARY KEY NOT NULL,
    size   INTEGER NOT NULL,
    note   TEXT NOT NULL
);
