-- Housekeeping (edge/store/housekeeping.ts): the scheduled purge finds expired rows through an
-- index instead of scanning. Rate-limit windows are at most a day; SMS codes live minutes.
CREATE INDEX rate_limits_window ON rate_limits(window_start);
CREATE INDEX sms_codes_expiry ON sms_codes(expires_at);
CREATE INDEX enrolments_expiry ON enrolments(expires_at);
