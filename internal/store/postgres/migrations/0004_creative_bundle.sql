-- 0004_creative_bundle: the store id of the app an app-install creative
-- advertises, reported in bids and matched against a request's bapp.
ALTER TABLE creatives ADD COLUMN bundle TEXT NOT NULL DEFAULT '';
