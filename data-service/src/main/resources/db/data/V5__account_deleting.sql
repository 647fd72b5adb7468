-- An account being deleted: the purge marks its change counter row (creating it when missing) before it removes
-- the account's rows, and keeps it. Every write of an account takes that row first (blob PUT, DELETE, key and
-- config writes, the quota), so a write in flight either commits before the purge removes its rows or sees the
-- mark and is refused: a deleted account has no row left behind. Account ids are never reused.
alter table change_seq add column deleting boolean not null default false;
