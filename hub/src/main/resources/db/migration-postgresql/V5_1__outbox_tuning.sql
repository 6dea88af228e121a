-- PostgreSQL only (Database adds this location for jdbc:postgresql: URLs). Every finished delivery leaves a dead
-- tuple in the outbox: vacuum it early, before index scans of the pages walk long runs of dead entries; and leave
-- room in each page so that a retry (it changes no indexed column) can be a HOT update in the same page.
ALTER TABLE outbox SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.02);
