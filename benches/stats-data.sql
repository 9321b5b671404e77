-- Data for measuring the assessment figures (`GET /api/v1/stats`) on PostgreSQL: see
-- BENCHMARKS.md. Run on a database that holds the regions and `duijie seed demo --needs 12000`.
-- Adds three pledges to every published need (from the demo donor, most in the name of one of
-- the four demo organisations, in every status), fulfilment events on every tenth need, then
-- 100,000 more published needs over 2,000 villages of Guangdong with one pledge each (every
-- hundredth for organisation 3): regions and an organisation that select few rows of many.

INSERT INTO pledges (need_id, donor_user_id, organisation_id, quantity, status, anonymous,
  display_name, due_at, received_quantity, received_at, created_at, updated_at)
SELECT n.id, (SELECT id FROM users WHERE email = 'donor@demo.duijie.cn'),
  CASE WHEN (n.id + k) % 5 = 0 THEN NULL ELSE ((n.id + k) % 4) + 1 END,
  1,
  (ARRAY['pledged', 'shipped', 'received', 'thanked', 'cancelled', 'expired'])[((n.id * 7 + k) % 6) + 1],
  false, '爱心人士', n.published_at + interval '30 days',
  CASE WHEN ((n.id * 7 + k) % 6) IN (2, 3) THEN 1 END,
  CASE WHEN ((n.id * 7 + k) % 6) IN (2, 3) THEN n.published_at + interval '5 days' END,
  n.published_at + (k || ' days')::interval, now()
FROM needs n CROSS JOIN generate_series(1, 3) AS k WHERE n.published_at IS NOT NULL;

INSERT INTO need_events (need_id, kind, created_at)
SELECT n.id, 'fulfilled', n.published_at + interval '9 days'
FROM needs n WHERE n.id % 10 = 0 AND n.published_at IS NOT NULL;

CREATE TEMP TABLE v AS
SELECT code, row_number() OVER (ORDER BY code) AS i
FROM regions WHERE level = 5 AND code LIKE '44%' ORDER BY code LIMIT 2000;

INSERT INTO needs (beneficiary_kind, village_code, town_code, county_code, city_code,
  province_code, category, title, description, unit, target_quantity, pledged_quantity,
  received_quantity, unit_value_fen, urgency, deadline, status, requires_second_verification,
  published_at, notice_ends_at, created_by, created_at, updated_at, version, min_pledge_quantity)
SELECT 'village', v.code, substr(v.code, 1, 9), substr(v.code, 1, 6), substr(v.code, 1, 4),
  substr(v.code, 1, 2), 'education', '课桌椅 ' || g, '生成的需求', 'set', 10, 1, 0, 30000,
  'normal', now() + interval '90 days', 'published', false,
  now() - ((g % 300) || ' days')::interval, now() - ((g % 300) || ' days')::interval,
  (SELECT id FROM users WHERE email = 'cadre@demo.duijie.cn'), now(), now(), 1, 1
FROM generate_series(1, 100000) g JOIN v ON v.i = (g % 2000) + 1;

INSERT INTO pledges (need_id, donor_user_id, organisation_id, quantity, status, anonymous,
  display_name, due_at, created_at, updated_at)
SELECT n.id, (SELECT id FROM users WHERE email = 'donor@demo.duijie.cn'),
  CASE WHEN n.id % 100 = 0 THEN 3 END, 1, 'pledged', false, '爱心人士',
  n.published_at + interval '30 days', n.published_at + interval '2 days', now()
FROM needs n WHERE n.title LIKE '课桌椅 %';

ANALYZE;
