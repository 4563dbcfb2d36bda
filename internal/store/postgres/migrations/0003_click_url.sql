-- 0003_click_url: each creative's landing page, where a click on the
-- creative is redirected. Empty means the click is only recorded.
ALTER TABLE creatives ADD COLUMN click_url TEXT NOT NULL DEFAULT '';
