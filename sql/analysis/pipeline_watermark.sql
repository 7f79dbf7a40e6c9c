-- The newest watermark of a pipeline's streams (file runs, Kafka partitions):
-- the event time up to which session outcomes are known.
SELECT max(watermark_ms) AS watermark_ms, count() AS streams
FROM stream_state FINAL
WHERE pipeline = {pipeline:String}
