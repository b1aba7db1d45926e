-- The digest of a folder of view definitions as last applied to this warehouse (parameter: the folder).
SELECT digest FROM schema_views WHERE folder = ?;
