-- Creates the Kairos role and database next to Temporal's. Run once by the postgres image, from
-- /docker-entrypoint-initdb.d, only when the data volume is empty (see docker-compose.yml).
-- Temporal's own databases (temporal, temporal_visibility) are created by temporalio/auto-setup.
CREATE ROLE kairos WITH LOGIN PASSWORD 'kairos';
CREATE DATABASE kairos OWNER kairos;
