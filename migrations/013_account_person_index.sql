-- Individual accounts are looked up by person (statements read a batch of people at once).
create index ledger_accounts_person_idx on ledger_accounts (person_id) where person_id is not null;
