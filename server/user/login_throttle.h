/*
 * login_throttle.h: failed logins throttled per account (like Mastodon's
 * and GitHub's): after `failures` failed logins for one username, further
 * attempts are refused for base seconds, a period that doubles with every
 * further failure up to cap; a successful login clears it. Known and
 * unknown usernames are treated alike, so the answer tells nothing about
 * which exist.
 *
 * In memory, bounded: at most max usernames, the least recently failed
 * one forgotten first. Safe from any thread.
 */
#ifndef CHIRP_LOGIN_THROTTLE_H
#define CHIRP_LOGIN_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

/* A failure older than this (and no lock running) starts over. */
#define LOGIN_THROTTLE_FORGET_MS (3600 * 1000LL)

struct login_throttle;

/* max >= 1 entries; failures >= 1; base and cap in seconds (cap >= base). */
struct login_throttle *login_throttle_new(size_t max, int failures,
    int64_t base_s, int64_t cap_s);
void login_throttle_free(struct login_throttle *);

/*
 * 0 when username (compared ignoring case) may try a login at now_ms, else
 * the whole seconds to wait, at least 1.
 */
int64_t login_throttle_wait(struct login_throttle *, const char *username,
    int64_t now_ms);
/* A failed login of username at now_ms. */
void login_throttle_failed(struct login_throttle *, const char *username,
    int64_t now_ms);
/* A successful login: username starts over. */
void login_throttle_succeeded(struct login_throttle *, const char *username);
/* Usernames held (tests, metrics). */
size_t login_throttle_count(struct login_throttle *);

#endif
