-- One erasure request (table purge_request, registered by the store).
INSERT INTO purge_requests BY NAME SELECT * FROM purge_request;
