-- Key custody (README, "Key custody"): the master key is stored sealed under the account's account key (AK,
-- AES-256-GCM, aad names the account and the AK's id), and that under the KEK as before (the outer layer).
-- account_key_id names the AK; null marks a key from before key custody, wrapped under the KEK alone, which
-- is converted when the account's password is next entered. data-service never stores an AK.
alter table master_keys add column account_key_id uuid;
