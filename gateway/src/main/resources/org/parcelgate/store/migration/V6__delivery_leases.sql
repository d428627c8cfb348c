-- Leases on push streams (docs/storage.md): with several gateway instances on one database, a recipient's stream is
-- pushed by the one instance that holds its lease. holder names the instance (its gateway id and a suffix drawn at
-- each start); expires_at_micros is when the lease ends unless the holder renews it. Another instance takes a lease
-- only once it has expired, and the stream's position and the range in flight stay in delivery_stream, so the new
-- holder sends that range again under the same idempotency key.
CREATE TABLE IF NOT EXISTS delivery_lease (
  recipient VARCHAR(255) NOT NULL,
  stream VARCHAR(32) NOT NULL,
  holder VARCHAR(255) NOT NULL,
  expires_at_micros BIGINT NOT NULL,
  PRIMARY KEY (recipient, stream)
);
