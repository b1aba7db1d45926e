-- How many lake snapshots a purge expired ($1), once it has ($2: the request).
UPDATE purge_requests SET snapshots_expired = $1 WHERE request_id = $2;
