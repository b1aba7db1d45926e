"""Posts a platform's answer says a post quotes, replies to or reposts: one reader per answer shape.

Each reader returns the relations as plain lists, `[kind, {post fields}]`, so they travel in the enrichment cache with
the rest of an answer; `from_answer` turns them back into `PostRelation`s when the answer is merged into the post. A
related post gets the native id and URL the page parsers would give it (`pipeline/platforms.py`), so an embed of that
post elsewhere is the same row; a relation to a post whose id cannot be told that way is not kept.

| answer | field, and where its shape is documented | relation |
| --- | --- | --- |
| Bluesky `app.bsky.feed.getPostThread` (`thread.post`, a PostView) | `record.reply.parent.uri` (bluesky-social/atproto `lexicons/app/bsky/feed/post.json`, `#replyRef`) | `reply` |
| | `record.embed` of type `app.bsky.embed.record` (`record.uri`) or `app.bsky.embed.recordWithMedia` (`record.record.uri`), and the matching view in `embed` (`#viewRecord`: `uri`, `author`, `value`) (`lexicons/app/bsky/embed/record.json`, `recordWithMedia.json`); only `app.bsky.feed.post` records (a record embed can also be a feed or a list) | `quote` |
| Mastodon `GET /api/v1/statuses/:id` (a Status) | `reblog` (a Status) (docs.joinmastodon.org/entities/Status#reblog) | `repost` |
| | `quote` = Quote `{state, quoted_status}`, kept when `state` is `accepted` (entities/Quote; Mastodon 4.4+; a ShallowQuote names only an id local to the instance asked) | `quote` |
| | `in_reply_to_id`, when the replied-to account (`in_reply_to_account_id`) is the author or a local account among `mentions` (entities/Status, entities/Status#Mention): only then is the id the parent's own id on that instance | `reply` |
| X syndication `tweet-result` (undocumented; shape as vercel/react-tweet `packages/react-tweet/src/api/types/tweet.ts` reads it, real answer in `shared/embeds/twitter_syndication_tweet_result_wyden.json`) | `quoted_tweet`; `in_reply_to_status_id_str` with `in_reply_to_screen_name` (and `parent` when given) | `quote`, `reply` |

X's oEmbed answer (what the enricher asks X) carries no relation: its `html` is the pasted blockquote of the post alone.
No enrichment endpoint reads X's syndication answer yet; `x_syndication_relations` is ready for the one that will.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

from pipeline.model import RELATION_KINDS, PostRelation, SocialPost
from pipeline.platforms import (
    bluesky_post, bluesky_post_url, bluesky_tid_time, mastodon_id_time, mastodon_status, mastodon_status_url,
    x_post_url, x_snowflake_time,
)

Relation = list  # [kind, {field: value}] as it travels in an answer and the cache
_POST_FIELDS = ("platform", "native_id", "url", "author_name", "author_handle", "text", "language", "posted_at",
                "posted_at_precision")


def from_answer(relations: list[Relation] | None) -> list[PostRelation]:
    """The relations an answer held, as the model's `PostRelation`s (malformed entries are skipped)."""
    found = []
    for entry in relations or ():
        if not (isinstance(entry, list) and len(entry) == 2 and entry[0] in RELATION_KINDS
                and isinstance(entry[1], dict)):
            continue
        fields = {name: entry[1].get(name) for name in _POST_FIELDS}
        if not fields["platform"] or not fields["native_id"]:
            continue
        fields["posted_at"] = _time(fields["posted_at"])
        found.append(PostRelation(entry[0], SocialPost(**fields)))
    return found


def refused_urls(relations: list[Relation] | None, refusal: Callable[[str], str | None]) -> list[str]:
    """Drop (in place) each related post's URL that `refusal` refuses (an answer's URLs are fetched content: the
    address guard decides); returns why each went."""
    causes = []
    for _kind, post in relations or ():
        if isinstance(post, dict) and post.get("url") is not None and (cause := refusal(str(post["url"]))):
            causes.append(cause)
            post["url"] = None
    return causes


# -- Bluesky ------------------------------------------------------------------------------------------------------


def bluesky_relations(view: dict) -> list[Relation]:
    """Reply and quote of a Bluesky PostView (`thread.post` of getPostThread)."""
    record = view.get("record") if isinstance(view.get("record"), dict) else {}
    relations = []
    parent = _dig(record, "reply", "parent", "uri")
    if post := _bluesky_post(parent, None):
        relations.append(["reply", post])
    embed = record.get("embed") if isinstance(record.get("embed"), dict) else {}
    kind = embed.get("$type", "")
    quoted = _dig(embed, "record", "uri") if kind == "app.bsky.embed.record" else \
        _dig(embed, "record", "record", "uri") if kind == "app.bsky.embed.recordWithMedia" else None
    shown = _bluesky_view_record(view.get("embed"))
    if quoted is None and shown is not None:
        quoted = shown.get("uri")
    if post := _bluesky_post(quoted, shown if shown is not None and shown.get("uri") == quoted else None):
        relations.append(["quote", post])
    return relations


def _bluesky_view_record(embed_view: Any) -> dict | None:
    """The `#viewRecord` a PostView's embed view shows, for record and record-with-media embeds."""
    if not isinstance(embed_view, dict):
        return None
    kind = embed_view.get("$type", "")
    shown = _dig(embed_view, "record") if kind == "app.bsky.embed.record#view" else \
        _dig(embed_view, "record", "record") if kind == "app.bsky.embed.recordWithMedia#view" else None
    if isinstance(shown, dict) and shown.get("$type", "").endswith("#viewRecord"):
        return shown
    return None


def _bluesky_post(uri: Any, shown: dict | None) -> dict | None:
    found = bluesky_post(uri) if isinstance(uri, str) and uri.startswith("at://") else None
    if not found or not found[0].startswith("did:"):
        return None
    did, rkey = found
    posted_at, precision = bluesky_tid_time(rkey), "millisecond"
    post = {"platform": "bluesky", "native_id": f"{did}/{rkey}", "url": bluesky_post_url(did, rkey),
            "posted_at": posted_at.isoformat() if posted_at else None,
            "posted_at_precision": precision if posted_at else None}
    if shown is not None:
        author = shown.get("author") if isinstance(shown.get("author"), dict) else {}
        value = shown.get("value") if isinstance(shown.get("value"), dict) else {}
        langs = value.get("langs") if isinstance(value.get("langs"), list) else []
        post.update(author_handle=_text(author.get("handle")), author_name=_text(author.get("displayName")),
                    text=_text(value.get("text")), language=_text(langs[0]) if langs else None)
    return post


# -- Mastodon -----------------------------------------------------------------------------------------------------


def mastodon_relations(status: dict, instance: str, html_text: Callable[[str | None], str | None]) -> list[Relation]:
    """Repost, quote and reply of a Mastodon Status read from `instance` (host[:port] of the post's own URL);
    `html_text` turns a status's HTML content into text."""
    relations = []
    if post := _mastodon_post(status.get("reblog"), html_text):
        relations.append(["repost", post])
    quote = status.get("quote")
    if isinstance(quote, dict) and quote.get("state") == "accepted" and \
            (post := _mastodon_post(quote.get("quoted_status"), html_text)):
        relations.append(["quote", post])
    if post := _mastodon_parent(status, instance):
        relations.append(["reply", post])
    return relations


def _mastodon_post(status: Any, html_text: Callable[[str | None], str | None]) -> dict | None:
    """A status nested in an answer, keyed by its own URL as the parser keys an embed of it."""
    if not isinstance(status, dict) or not isinstance(status.get("url"), str):
        return None
    found = mastodon_status(status["url"])
    if not found:
        return None
    host, user, status_id = found
    account = status.get("account") if isinstance(status.get("account"), dict) else {}
    posted_at = _time(status.get("created_at"))
    return {"platform": "mastodon", "native_id": f"{host}/{status_id}",
            "url": mastodon_status_url(host, user, status_id),
            "author_handle": f"{user}@{host}", "author_name": _text(account.get("display_name")),
            "text": html_text(status.get("content") if isinstance(status.get("content"), str) else None),
            "language": _text(status.get("language")),
            "posted_at": posted_at.isoformat() if posted_at else None,
            "posted_at_precision": "millisecond" if posted_at else None}


def _mastodon_parent(status: dict, instance: str) -> dict | None:
    """The replied-to status, when it lives on the instance asked (then its id there is its own id)."""
    parent_id, parent_account = status.get("in_reply_to_id"), status.get("in_reply_to_account_id")
    if not (isinstance(parent_id, (str, int)) and str(parent_id).isdigit() and parent_account is not None):
        return None
    account = status.get("account") if isinstance(status.get("account"), dict) else {}
    username = None
    if str(account.get("id")) == str(parent_account) and "@" not in str(account.get("acct") or "@"):
        username = account.get("username")
    for mention in status.get("mentions") or ():
        if isinstance(mention, dict) and str(mention.get("id")) == str(parent_account) and \
                "@" not in str(mention.get("acct") or "@"):
            username = mention.get("username") or mention.get("acct")
    if not isinstance(username, str) or not username:
        return None
    parent_id, host = str(parent_id), instance.lower()
    posted_at = mastodon_id_time(parent_id)
    return {"platform": "mastodon", "native_id": f"{host}/{parent_id}",
            "url": mastodon_status_url(host, username, parent_id), "author_handle": f"{username}@{host}",
            "posted_at": posted_at.isoformat() if posted_at else None,
            "posted_at_precision": "millisecond" if posted_at else None}


# -- X syndication ------------------------------------------------------------------------------------------------


def x_syndication_relations(answer: dict) -> list[Relation]:
    """Quote and reply of an X syndication `tweet-result` answer (the tweet itself, or wrapped as `{"data": …}`)."""
    tweet = answer.get("data") if isinstance(answer.get("data"), dict) else answer
    relations = []
    if post := _x_tweet(tweet.get("quoted_tweet")):
        relations.append(["quote", post])
    parent_id = tweet.get("in_reply_to_status_id_str")
    if isinstance(parent_id, str) and parent_id.isdigit():
        parent = tweet.get("parent") if isinstance(tweet.get("parent"), dict) else {}
        post = _x_tweet(parent) if parent.get("id_str") == parent_id else None
        if post is None:
            when = x_snowflake_time(parent_id)
            post = {"platform": "x", "native_id": parent_id, "url": x_post_url(parent_id),
                    "author_handle": _text(tweet.get("in_reply_to_screen_name")),
                    "posted_at": when.isoformat() if when else None,
                    "posted_at_precision": "millisecond" if when else None}
        relations.append(["reply", post])
    return relations


def _x_tweet(tweet: Any) -> dict | None:
    if not isinstance(tweet, dict) or not (isinstance(tweet.get("id_str"), str) and tweet["id_str"].isdigit()):
        return None
    status_id = tweet["id_str"]
    user = tweet.get("user") if isinstance(tweet.get("user"), dict) else {}
    when = x_snowflake_time(status_id)
    return {"platform": "x", "native_id": status_id, "url": x_post_url(status_id),
            "author_handle": _text(user.get("screen_name")), "author_name": _text(user.get("name")),
            "text": _text(tweet.get("text")),
            "language": _text(tweet.get("lang")) if tweet.get("lang") != "und" else None,  # "und": X could not tell
            "posted_at": when.isoformat() if when else None, "posted_at_precision": "millisecond" if when else None}


# -- helpers ------------------------------------------------------------------------------------------------------


def _dig(data: Any, *names: str) -> Any:
    for name in names:
        if not isinstance(data, dict):
            return None
        data = data.get(name)
    return data


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
