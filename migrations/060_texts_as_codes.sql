-- Texts a person reads are stored as a catalogue code and its parameters (src/i18n), rendered in the
-- reader's language when read. Rows written before keep their English sentence: the known sentences are
-- mapped to their codes here (so they read in Chinese too); anything else is shown as it was written.

alter table notifications add column code text, add column params jsonb;
alter table notifications alter column title drop not null, alter column body drop not null;

update notifications set code = m.code
  from (values
    ('Identity verified', 'You can now apply for your electronic medical insurance card.', 'notice.identity_verified'),
    ('Identity verified', 'Staff verified your identity. You can now apply for your e-card.', 'notice.identity_verified_by_staff'),
    ('Social security card issued', 'Your card was issued at the counter.', 'notice.card_issued'),
    ('Your social security card is ready', 'Collect it at the service point with your original ID card.', 'notice.card_ready'),
    ('Your social security card was issued to your employer', 'Your employer will hand it to you; set its PIN when you activate it.', 'notice.card_with_employer'),
    ('Card payments locked', 'A wrong PIN was entered 3 times. Staff can unlock the card at a counter.', 'notice.card_pin_locked'),
    ('E-card suspended', 'Staff suspended your e-card; ask at a counter.', 'notice.ecard_suspended'),
    ('E-card resumed', 'Your e-card works again.', 'notice.ecard_resumed'),
    ('Family card display request', 'A relative asks to show your e-card QR code for you. Confirm or decline in Family.', 'notice.family_display_request_anonymous')
  ) as m (title, body, code)
 where notifications.code is null and notifications.title = m.title and notifications.body = m.body;

update notifications set code = 'notice.identity_rejected',
       params = jsonb_build_object('reason', jsonb_build_object('code', 'identity.name_mismatch'))
 where code is null and title = 'Identity verification failed'
   and body = 'The name does not match the population registry';
update notifications set code = 'notice.identity_rejected_by_staff',
       params = jsonb_build_object('reason', substring(body from '^Reason: (.*)$'))
 where code is null and title = 'Identity verification rejected' and body like 'Reason: %';
update notifications set code = 'notice.card_cancelled',
       params = jsonb_build_object('reason', substring(body from '^Reason: (.*)$'))
 where code is null and title = 'Card cancelled' and body like 'Reason: %';
update notifications set code = 'notice.ecard_revoked',
       params = jsonb_build_object('reason', substring(body from '^Reason: (.*)$'))
 where code is null and title = 'E-card revoked' and body like 'Reason: %';
update notifications set code = 'notice.card_frozen',
       params = jsonb_build_object('card', substring(body from '^Card (.+) was reported lost and is frozen\.'))
 where code is null and title = 'Card frozen' and body ~ '^Card .+ was reported lost and is frozen\.';
update notifications set code = 'notice.card_replaced',
       params = jsonb_build_object('newCard', substring(body from '^Your new card (\S+) replaces '),
                                   'oldCard', substring(body from ' replaces (\S+), which no longer works\.$'))
 where code is null and title = 'Replacement card issued'
   and body ~ '^Your new card \S+ replaces \S+, which no longer works\.$';
update notifications set code = 'notice.family_display_request',
       params = jsonb_build_object('name', substring(body from '^(.+) asks to show your e-card QR code for you\.'))
 where code is null and title = 'Family card display request'
   and body ~ '^.+ asks to show your e-card QR code for you\.' and body not like 'A relative asks%';
update notifications set code = 'notice.family_bound',
       params = jsonb_build_object('name', substring(body from '^(.+) bound you as a family member \('),
                                   'kinship', jsonb_build_object('code', 'kinship.' || substring(body from ' bound you as a family member \((\w+)\)\.$')))
 where code is null and title = 'Bound as a relative' and body ~ '^.+ bound you as a family member \((spouse|parent|child|grandparent|grandchild|sibling)\)\.$';
update notifications set code = case when kind = 'binding_confirmed' then 'notice.binding_confirmed' else 'notice.binding_declined' end,
       params = jsonb_build_object('name', substring(body from '^(.+) (confirmed|declined) that you show their e-card QR code\.$'))
 where code is null and kind in ('binding_confirmed', 'binding_declined')
   and body ~ '^.+ (confirmed|declined) that you show their e-card QR code\.$';
update notifications set code = 'notice.statement_ready',
       params = jsonb_build_object('year', (substring(body from '^Your (\d{4}) statement'))::int)
 where code is null and kind = 'statement_ready' and body ~ '^Your \d{4} statement';
-- Refund amounts were printed as yuan with separators ("1,234.56"): back to integer fen.
update notifications set code = 'notice.settlement_refunded',
       params = jsonb_build_object(
         'total', (replace(replace(substring(body from '^A refund of ([\d,]+\.\d\d) yuan'), ',', ''), '.', ''))::bigint,
         'accountPaid', (replace(replace(substring(body from 'got back ([\d,]+\.\d\d) yuan\.$'), ',', ''), '.', ''))::bigint)
 where code is null and kind = 'settlement_refunded'
   and body ~ '^A refund of [\d,]+\.\d\d yuan was made; your account got back [\d,]+\.\d\d yuan\.$';

-- Card history: the detail the server wrote (not a channel or a place, which are codes already).
alter table card_events add column detail_code text, add column detail_params jsonb;
update card_events set detail_code = 'history.wrong_pins',
       detail_params = jsonb_build_object('count', (substring(detail from '^(\d+) wrong PINs$'))::int)
 where detail ~ '^\d+ wrong PINs$';
update card_events set detail_code = 'history.pin_new' where event = 'pin_reset' and detail = 'new PIN set';
update card_events set detail_code = 'history.pin_unlocked' where event = 'pin_reset' and detail = 'unlocked';

-- Identity: the server's own reasons as codes; a staff member's typed reason stays in identity_reason.
alter table persons add column identity_reason_code text, add column identity_reason_params jsonb;
update persons set identity_reason_code = 'identity.name_mismatch'
 where identity_reason = 'The name does not match the population registry';
update persons set identity_reason_code = 'identity.not_in_registry'
 where identity_reason = 'The population registry has no entry for this ID number; staff will review your photo';
