-- Up Migration
-- The language automatic customer messages (rating request and thanks) are written in.
ALTER TABLE organizations ADD COLUMN customer_language text NOT NULL DEFAULT 'pt-BR';
