-- On whose behalf a posting moved money (settlements and refunds): lets an account's movements say whether
-- a payment was for its owner or for a bound relative (family mutual aid out).
alter table ledger_postings add column beneficiary_person_id uuid references persons (id);
