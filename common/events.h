/*
 * events.h: the public events of chirp, one JSON object per event.
 *
 * CHANNEL_USER (published by chirp-userd):
 *   {"type":"follow","userId":"1","targetId":"2"}
 *   {"type":"unfollow","userId":"1","targetId":"2"}
 *   {"type":"user_deleted","userId":"1"}      (every token of 1 is dead)
 *   {"type":"revoke","userId":"1","gen":2}   (POST /users/logout: tokens
 *                                             of 1 with "gen" below 2 are
 *                                             dead; common/revoke.h)
 * CHANNEL_TWEET (published by chirp-tweetd):
 *   {"type":"tweet","tweet":{tweet as in API.md}}
 *   {"type":"delete","tweetId":"9","userId":"1"}
 *
 * Ids are decimal strings, as everywhere in the API.
 *
 * On the wire each payload is sealed by bus_publish with the service
 * secret (svcauth.h: "v1.<time>.<mac>.<json>"); subscribers (bus.c, the
 * gateway's listener) hand on only the JSON of a seal that opens.
 */
#ifndef CHIRP_EVENTS_H
#define CHIRP_EVENTS_H

#define CHANNEL_USER "chirp_user_events"
#define CHANNEL_TWEET "chirp_tweet_events"

#endif
