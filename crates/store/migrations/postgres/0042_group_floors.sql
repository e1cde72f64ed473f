-- The floors a working group works on (负责楼层, issue 19), as "3-5,8"; none for the whole
-- station. A case's exposure list reads who was rostered on its floor from them.
ALTER TABLE working_groups ADD COLUMN floors TEXT;
