-- The original bytes of a dead letter that were not valid UTF-8. `raw` holds
-- their text with U+FFFD for every invalid sequence (ClickHouse Strings are
-- bytes, but rows travel as JSON text, which cannot carry them); this column
-- holds the bytes themselves, base64-encoded, so the record can be inspected
-- and replayed exactly. Empty for every record that was valid UTF-8.
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS raw_base64 String DEFAULT '' AFTER raw;
