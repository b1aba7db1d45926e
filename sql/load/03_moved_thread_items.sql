-- Thread items of posts about to move (post_moves): their ids depend on the post id, so the caller re-keys them.
SELECT DISTINCT i.item_id, m.new_post_id, i.kind, i.native_id, i.text
FROM (
    SELECT item_id, post_id, kind, native_id, text FROM s_items
    UNION ALL
    SELECT item_id, post_id, kind, native_id, text FROM update_items
) i
JOIN post_moves m ON i.post_id = m.old_post_id;
