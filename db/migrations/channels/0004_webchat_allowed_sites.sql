-- Up Migration
-- The sites (http/https origins such as https://shop.example.com) that may embed a web chat
-- channel's widget. The widget page answers with `frame-ancestors` naming them, and the
-- widget exchanges the visitor's session with its embedding page only when that page's
-- origin is listed. Empty: any site may embed the widget (and no session crosses to it).
ALTER TABLE channels ADD COLUMN allowed_sites text[] NOT NULL DEFAULT '{}';
