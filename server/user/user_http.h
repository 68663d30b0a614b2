/*
 * user_http.h: the handlers of chirp-userd's routes (routes.c): parse and
 * validate the request, call the store, answer JSON. ctx is the struct
 * userd of the process.
 */
#ifndef CHIRP_USER_HTTP_H
#define CHIRP_USER_HTTP_H

#include "http_server.h"

http_handler user_http_register;
http_handler user_http_login;
http_handler user_http_get;
http_handler user_http_lookup;
http_handler user_http_follow;
http_handler user_http_unfollow;
http_handler user_http_followings;
http_handler user_http_followers;
http_handler user_http_delete;
http_handler user_http_patch;
http_handler user_http_internal_followings;
http_handler user_http_internal_follows;
http_handler user_http_internal_deletion;
http_handler user_http_logout;
http_handler user_http_internal_revocations;
http_handler user_http_internal_events;
http_handler user_http_internal_users;

#endif
