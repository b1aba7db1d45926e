"""Posts an embed shows quoting, replying to or reposting another post: one reader per form that says so.

Each reader takes the embed's BeautifulSoup copy (before the platform reader strips anything) and returns the
`PostRelation`s it proves, each related post as much as the markup shows of it (at least its native id: a relation to
a post nobody can name is not kept). The platform readers call it in one line; enrichment answers have their own
readers in `pipeline/enrich/relations.py`.

| form | shape, and where it is documented | relation |
| --- | --- | --- |
| X: a `blockquote.twitter-tweet` holding another one | publishers paste the quoted tweet's embed code inside the quoting tweet's: Lullabot/amp-library issue #264 and PR #271 ("embedded tweets that quote other tweets … nested `<blockquote>` tags"); real markup in amp-library `tests/test-data/fragment-html/twitter-fragment.html` @5ae8180a (`tests/fixtures/embed_pages/twitter_blockquote_variants.html`) | `quote` of each directly nested tweet, unless its id says it was posted after the outer one (a post cannot quote a later post: the amp-library fixture nests a tweet four days newer) |

Forms checked that carry no relation a reader can name: X's rendered `iframe[data-tweet-id]` (only the id survives,
`shared/embeds/twitter_rendered_iframe.html`); `data-conversation="none"` on a pasted X blockquote (X's option to hide
the parent of a reply: says a reply, not to what); the `https://t.co/…` link a quote tweet's text ends with (the
quoted post's address is behind a redirect no parser may follow); a Bluesky blockquote's `[image or embed]` link (an
image, a link card or a quoted post alike); Mastodon's blockquote and iframe (no post content at all). A "Replying to
@user" line is drawn by X's widget inside its frame: no page of `tests/fixtures/corpus/`, `shared/corpus/` or
`shared/embeds/` holds one, nor does trafilatura's flattening of them, and it would name the account, not the post.
"""
from __future__ import annotations

from bs4 import Tag

from pipeline.model import PostRelation, SocialPost
from pipeline.platforms import x_post_url, x_snowflake_time, x_status_id

_X_EMBED_CLASSES = ("twitter-tweet", "twitter-video")


def x_nested_quotes(blockquote: Tag) -> list[PostRelation]:
    """The tweets pasted directly inside an X embed blockquote, as `quote` relations of the outer tweet."""
    outer = _permalink(blockquote)
    if outer is None:
        return []
    outer_time = x_snowflake_time(outer[0])
    relations = []
    for inner in _direct_nested_embeds(blockquote):
        found = _permalink(inner)
        if found is None or found[0] == outer[0]:
            continue
        inner_id, user = found
        inner_time = x_snowflake_time(inner_id)
        if outer_time and inner_time and inner_time > outer_time:
            continue  # posted after the outer post: pasted beside it, not quoted by it
        relations.append(PostRelation("quote", SocialPost(
            platform="x", native_id=inner_id, url=x_post_url(inner_id),
            author_handle=user if user and user.lower() != "i" else None,
            posted_at=inner_time, posted_at_precision="millisecond" if inner_time else None)))
    return relations


def _is_x_embed(element: Tag) -> bool:
    return any(name in (element.get("class") or ()) for name in _X_EMBED_CLASSES)


def _nested_in(element: Tag, blockquote: Tag) -> bool:
    """Whether `element` sits inside a blockquote that is itself inside `blockquote`."""
    for parent in element.parents:
        if parent is blockquote:
            return False
        if parent.name == "blockquote":
            return True
    return False


def _direct_nested_embeds(blockquote: Tag) -> list[Tag]:
    """X embed blockquotes inside this one and not inside another blockquote in it."""
    return [b for b in blockquote.find_all("blockquote") if _is_x_embed(b) and not _nested_in(b, blockquote)]


def _permalink(blockquote: Tag) -> tuple[str, str | None] | None:
    """(status id, user) of the blockquote's own permalink: its last status link outside blockquotes pasted into it,
    as X's embed code ends with it."""
    links = [link["href"] for link in blockquote.find_all("a", href=True)
             if not _nested_in(link, blockquote) and x_status_id(link["href"])]
    return x_status_id(links[-1]) if links else None
