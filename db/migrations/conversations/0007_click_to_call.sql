-- Click-to-call through the organization's telephony: an address template with {number}
-- (the contact's digits) and {extension} (the agent's); null = the device's own dialer (tel:).
ALTER TABLE organizations ADD COLUMN click_to_call_url text;
