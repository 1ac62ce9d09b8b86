//! The `Store` implementation both backends share, written once as a macro over the sqlx
//! database type: the SQL is the same (binds go through `QueryBuilder`, which writes each
//! backend's placeholders); only how a writer takes the ledger's lock differs.

/// Implements `Store` for `$store` (a struct with a `pool` field) on database `$db`.
/// `$begin` opens a writing transaction; `$lock` ends the head row's select so that it locks;
/// `$select` lists a record row's columns, text ones cast to bytes; `$insert` lists the columns
/// an append writes, and the block binds them from the sealed record `$r` on `$row`.
macro_rules! store_impl {
    ($store:ty, $db:ty, $name:literal, $begin:literal, $lock:literal, $select:literal,
     $insert:literal, |$row:ident, $r:ident| $bind:block) => {
        async fn read_meta(
            conn: &mut <$db as sqlx::Database>::Connection,
        ) -> Result<Option<$crate::LedgerMeta>, $crate::StoreError> {
            let rows: Vec<(String, String)> =
                sqlx::query_as("SELECT key, value FROM ledger_meta").fetch_all(conn).await?;
            Ok($crate::meta_from_rows(rows))
        }

        impl $crate::Store for $store {
            fn backend(&self) -> &'static str {
                $name
            }

            async fn meta(&self) -> Result<Option<$crate::LedgerMeta>, $crate::StoreError> {
                let mut conn = self.pool.acquire().await?;
                read_meta(&mut conn).await
            }

            async fn init(&self, meta: &$crate::LedgerMeta) -> Result<$crate::LedgerMeta, $crate::StoreError> {
                use sqlx::Connection as _;
                let mut conn = self.pool.acquire().await?;
                let mut tx = conn.begin_with($begin).await?;
                // The head row is the ledger's lock for creation too, so two first runs agree.
                sqlx::query(concat!("SELECT size FROM ledger_head WHERE id = 1", $lock)).fetch_one(&mut *tx).await?;
                if let Some(existing) = read_meta(&mut tx).await? {
                    return Ok(existing);
                }
                let mut b = sqlx::QueryBuilder::<$db>::new("INSERT INTO ledger_meta (key, value) ");
                b.push_values(
                    [("origin", meta.origin.as_str()), ("public_key", meta.public_key.as_str())],
                    |mut row, (k, v)| {
                        row.push_bind(k).push_bind(v);
                    },
                );
                b.build().execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(meta.clone())
            }

            async fn append(
                &self,
                entries: Vec<annexa_ledger::Entry>,
                signer: &annexa_ledger::NoteSigner,
                every: u64,
            ) -> Result<$crate::Appended, $crate::StoreError> {
                use sqlx::Connection as _;
                use $crate::int;
                let mut conn = self.pool.acquire().await?;
                let mut tx = conn.begin_with($begin).await?;
                let (size, frontier, checkpoints): (i64, Vec<u8>, i64) =
                    sqlx::query_as(concat!("SELECT size, frontier, checkpoints FROM ledger_head WHERE id = 1", $lock))
                        .fetch_one(&mut *tx)
                        .await?;
                let meta = read_meta(&mut tx).await?.ok_or($crate::StoreError::NoLedger)?;
                let head = $crate::Head::read(size, &frontier, checkpoints)?;
                let first_seq = head.frontier.size();
                let plan = $crate::plan(&meta, head, entries, signer, every)?;
                for chunk in plan.records.chunks($crate::INSERT_CHUNK) {
                    let mut b = sqlx::QueryBuilder::<$db>::new(concat!("INSERT INTO records (", $insert, ") "));
                    b.push_values(chunk, |mut $row, $r| $bind);
                    b.build().execute(&mut *tx).await?;
                }
                if !plan.checkpoints.is_empty() {
                    let mut b = sqlx::QueryBuilder::<$db>::new("INSERT INTO checkpoints (number, size, note) ");
                    b.push_values(&plan.checkpoints, |mut row, c| {
                        row.push_bind(int(c.number)).push_bind(int(c.size)).push_bind(c.note.as_str());
                    });
                    b.build().execute(&mut *tx).await?;
                }
                let mut b = sqlx::QueryBuilder::<$db>::new("UPDATE ledger_head SET size = ");
                b.push_bind(int(plan.head.frontier.size()))
                    .push(", frontier = ")
                    .push_bind(plan.head.frontier.to_bytes())
                    .push(", checkpoints = ")
                    .push_bind(int(plan.head.checkpoints))
                    .push(" WHERE id = 1");
                b.build().execute(&mut *tx).await?;
                tx.commit().await?;
                Ok($crate::appended(first_seq, &plan))
            }

            async fn size(&self) -> Result<u64, $crate::StoreError> {
                let (size,): (i64,) =
                    sqlx::query_as("SELECT size FROM ledger_head WHERE id = 1").fetch_one(&self.pool).await?;
                Ok(u64::try_from(size).unwrap_or(0))
            }

            async fn records(
                &self,
                query: &$crate::Query,
            ) -> Result<Vec<annexa_ledger::StoredRecord>, $crate::StoreError> {
                let mut b = sqlx::QueryBuilder::<$db>::new(concat!("SELECT ", $select, " FROM records"));
                $crate::push_filters(&mut b, query);
                let rows: Vec<$crate::RecordRow> = b.build_query_as().fetch_all(&self.pool).await?;
                Ok(rows.into_iter().map(annexa_ledger::StoredRecord::from).collect())
            }

            async fn leaves(&self, size: u64) -> Result<Vec<annexa_ledger::Hash>, $crate::StoreError> {
                let mut b = sqlx::QueryBuilder::<$db>::new("SELECT seq, leaf_hash FROM records WHERE seq < ");
                b.push_bind($crate::int(size)).push(" ORDER BY seq");
                let rows: Vec<(i64, Vec<u8>)> = b.build_query_as().fetch_all(&self.pool).await?;
                $crate::leaves_from_rows(rows, size)
            }

            async fn batch(&self, from_seq: u64, limit: u64) -> Result<annexa_ledger::Batch, $crate::StoreError> {
                self.read_batch(from_seq, limit).await
            }

            async fn schema_problem(&self) -> Result<Option<String>, $crate::StoreError> {
                self.check_schema().await
            }

            async fn head(&self) -> Result<$crate::RawHead, $crate::StoreError> {
                let (size, frontier, checkpoints): (i64, Vec<u8>, i64) =
                    sqlx::query_as("SELECT size, frontier, checkpoints FROM ledger_head WHERE id = 1")
                        .fetch_one(&self.pool)
                        .await?;
                Ok($crate::RawHead { size, frontier, checkpoints })
            }

            async fn checkpoints(&self) -> Result<Vec<annexa_ledger::StoredCheckpoint>, $crate::StoreError> {
                let rows: Vec<$crate::CheckpointRow> =
                    sqlx::query_as("SELECT number, size, note FROM checkpoints ORDER BY number")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(annexa_ledger::StoredCheckpoint::from).collect())
            }
        }
    };
}

pub(crate) use store_impl;
