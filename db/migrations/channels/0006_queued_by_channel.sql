-- Outbound rows waiting, by channel: the web chat worker (db/queries/deliveries.ts
-- markWebchatSent) reads only its channels' rows, however long the WhatsApp queue is.
CREATE INDEX messages_queued_by_channel ON messages (channel_id, created_at) WHERE status = 'queued' AND direction = 'out';
