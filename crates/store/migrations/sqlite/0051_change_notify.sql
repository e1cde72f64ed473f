-- On PostgreSQL the audit log notifies other nodes at commit (issue 21). A SQLite file has one
-- writing process, which wakes its own readers at every commit; nothing to store here.
SELECT 1;
