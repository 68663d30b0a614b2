/*
 * bus_nats.c: the NATS JetStream side of the event bus (bus_nats.h).
 *
 * libnats calls back on threads of its own: the message handler of each
 * subscription, the closed handler of the connection. Each holds a
 * reference to the struct, dropped when libnats says it will not call
 * again (the subscription's completion, the connection's close), so the
 * struct outlives every callback whatever order they end in.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <nats/nats.h>

#include "bus_nats.h"
#include "xmalloc.h"

#define BUS_NATS_TIMEOUT_MS 2000	/* connect, and each request */
#define BUS_NATS_MAX_AGE_S (48 * 3600)	/* what the stream keeps */
#define BUS_NATS_DUP_WINDOW_S 600	/* ids remembered for doubles */
#define BUS_NATS_MAX_SUBS 4

struct bus_nats_msg {
	char *channel;
	char *data;
	struct bus_nats_msg *next;
};

struct bus_nats {
	natsConnection *nc;
	jsCtx *js;
	natsSubscription *subs[BUS_NATS_MAX_SUBS];
	size_t nsubs;
	atomic_int refs;
	int efd;			/* eventfd: messages wait */
	pthread_mutex_t lock;		/* guards what follows */
	struct bus_nats_msg *head, **tail;
	size_t queued;
	bool lost;
	char why[128];
};

static void
bus_nats_unref(struct bus_nats *n)
{
	struct bus_nats_msg *m, *next;

	if (atomic_fetch_sub(&n->refs, 1) != 1)
		return;
	for (m = n->head; m != NULL; m = next) {
		next = m->next;
		free(m->channel);
		free(m->data);
		free(m);
	}
	if (n->efd >= 0)
		close(n->efd);
	pthread_mutex_destroy(&n->lock);
	free(n);
}

/* Lost: say why (the first reason wins) and wake the reader. */
static void
bus_nats_lose(struct bus_nats *n, const char *why)
{
	uint64_t one = 1;

	pthread_mutex_lock(&n->lock);
	if (!n->lost)
		snprintf(n->why, sizeof(n->why), "%s", why);
	n->lost = true;
	pthread_mutex_unlock(&n->lock);
	if (n->efd >= 0)
		(void)!write(n->efd, &one, sizeof(one));
}

static void
bus_nats_on_closed(natsConnection *nc, void *arg)
{
	(void)nc;
	bus_nats_lose(arg, "NATS connection closed");
	bus_nats_unref(arg);
}

static void
bus_nats_on_complete(void *arg)
{
	bus_nats_unref(arg);
}

/* A libnats thread: queue the message for the subscriber's loop. */
static void
bus_nats_on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg,
    void *arg)
{
	struct bus_nats *n = arg;
	struct bus_nats_msg *m;
	const char *subj = natsMsg_GetSubject(msg);
	size_t plen = strlen(BUS_NATS_PREFIX);
	uint64_t one = 1;
	bool full;

	(void)nc;
	(void)sub;
	if (subj == NULL || strncmp(subj, BUS_NATS_PREFIX, plen) != 0) {
		natsMsg_Destroy(msg);
		return;
	}
	m = xcalloc(1, sizeof(*m));
	m->channel = xstrdup(subj + plen);
	m->data = xmalloc((size_t)natsMsg_GetDataLength(msg) + 1);
	memcpy(m->data, natsMsg_GetData(msg),
	    (size_t)natsMsg_GetDataLength(msg));
	m->data[natsMsg_GetDataLength(msg)] = '\0';
	natsMsg_Destroy(msg);
	pthread_mutex_lock(&n->lock);
	full = n->queued >= BUS_NATS_QUEUE_MAX;
	if (!full) {
		*n->tail = m;
		n->tail = &m->next;
		n->queued++;
	}
	pthread_mutex_unlock(&n->lock);
	if (full) {
		free(m->channel);
		free(m->data);
		free(m);
		bus_nats_lose(n, "NATS queue full: the subscriber is behind");
		return;
	}
	(void)!write(n->efd, &one, sizeof(one));
}

static void
bus_nats_err(char *err, size_t errlen, const char *what, natsStatus s,
    jsErrCode jerr)
{
	const char *last = nats_GetLastError(NULL);

	if (jerr != 0)
		snprintf(err, errlen, "%s: %s (JetStream error %d)", what,
		    last != NULL ? last : natsStatus_GetText(s), (int)jerr);
	else
		snprintf(err, errlen, "%s: %s", what,
		    last != NULL ? last : natsStatus_GetText(s));
}

/* The stream, made when missing; a concurrent maker is fine. */
static natsStatus
bus_nats_stream(struct bus_nats *n, char *err, size_t errlen)
{
	const char *subjects[] = { BUS_NATS_PREFIX ">" };
	jsStreamInfo *si = NULL;
	jsStreamConfig cfg;
	jsErrCode jerr = 0;
	natsStatus s;

	s = js_GetStreamInfo(&si, n->js, BUS_NATS_STREAM, NULL, &jerr);
	if (s == NATS_OK) {
		jsStreamInfo_Destroy(si);
		return NATS_OK;
	}
	if (s != NATS_NOT_FOUND) {
		bus_nats_err(err, errlen, "no stream " BUS_NATS_STREAM, s, jerr);
		return s;
	}
	jsStreamConfig_Init(&cfg);
	cfg.Name = BUS_NATS_STREAM;
	cfg.Subjects = subjects;
	cfg.SubjectsLen = 1;
	cfg.Storage = js_FileStorage;
	cfg.MaxAge = (int64_t)BUS_NATS_MAX_AGE_S * 1000000000;
	cfg.Duplicates = (int64_t)BUS_NATS_DUP_WINDOW_S * 1000000000;
	jerr = 0;
	s = js_AddStream(&si, n->js, &cfg, NULL, &jerr);
	if (s == NATS_OK) {
		jsStreamInfo_Destroy(si);
		return NATS_OK;
	}
	/* Someone else made it meanwhile? */
	jerr = 0;
	if (js_GetStreamInfo(&si, n->js, BUS_NATS_STREAM, NULL, &jerr) ==
	    NATS_OK) {
		jsStreamInfo_Destroy(si);
		return NATS_OK;
	}
	bus_nats_err(err, errlen, "cannot make stream " BUS_NATS_STREAM, s,
	    jerr);
	return s;
}

static natsStatus
bus_nats_subscribe(struct bus_nats *n, const char *channel, char *err,
    size_t errlen)
{
	natsSubscription *sub = NULL;
	jsSubOptions so;
	jsErrCode jerr = 0;
	natsStatus s;
	char *subj;

	if (n->nsubs == BUS_NATS_MAX_SUBS) {
		snprintf(err, errlen, "too many channels");
		return NATS_ERR;
	}
	jsSubOptions_Init(&so);
	so.Ordered = true;
	so.Config.DeliverPolicy = js_DeliverNew;
	subj = xasprintf(BUS_NATS_PREFIX "%s", channel);
	atomic_fetch_add(&n->refs, 1);	/* the handler's */
	s = js_Subscribe(&sub, n->js, subj, bus_nats_on_msg, n, NULL, &so,
	    &jerr);
	free(subj);
	if (s == NATS_OK)
		s = natsSubscription_SetOnCompleteCB(sub, bus_nats_on_complete,
		    n);
	if (s != NATS_OK) {
		bus_nats_err(err, errlen, "cannot subscribe", s, jerr);
		if (sub != NULL)
			natsSubscription_Destroy(sub);
		else
			atomic_fetch_sub(&n->refs, 1);
		return s;
	}
	n->subs[n->nsubs++] = sub;
	return NATS_OK;
}

struct bus_nats *
bus_nats_open(const char *url, const char *name, const char *const *channels,
    char *err, size_t errlen)
{
	struct bus_nats *n = xcalloc(1, sizeof(*n));
	natsOptions *o = NULL;
	natsStatus s;
	size_t i;

	atomic_init(&n->refs, 1);
	pthread_mutex_init(&n->lock, NULL);
	n->tail = &n->head;
	n->efd = -1;
	if (channels != NULL && channels[0] != NULL &&
	    (n->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	/*
	 * No reconnection inside libnats: a lost connection may have lost
	 * messages, so the owner of the bus connects again and catches up.
	 */
	if ((s = natsOptions_Create(&o)) != NATS_OK ||
	    (s = natsOptions_SetURL(o, url)) != NATS_OK ||
	    (s = natsOptions_SetName(o, name)) != NATS_OK ||
	    (s = natsOptions_SetTimeout(o, BUS_NATS_TIMEOUT_MS)) != NATS_OK ||
	    (s = natsOptions_SetAllowReconnect(o, false)) != NATS_OK ||
	    (s = natsOptions_SetPingInterval(o, 5000)) != NATS_OK ||
	    (s = natsOptions_SetMaxPingsOut(o, 2)) != NATS_OK ||
	    (s = natsOptions_SetClosedCB(o, bus_nats_on_closed, n)) !=
	    NATS_OK) {
		bus_nats_err(err, errlen, "bad NATS options", s, 0);
		goto fail;
	}
	if ((s = natsConnection_Connect(&n->nc, o)) != NATS_OK) {
		bus_nats_err(err, errlen, "cannot connect to NATS", s, 0);
		n->nc = NULL;
		goto fail;
	}
	atomic_fetch_add(&n->refs, 1);	/* the closed handler's */
	if ((s = natsConnection_JetStream(&n->js, n->nc, NULL)) != NATS_OK) {
		bus_nats_err(err, errlen, "no JetStream", s, 0);
		goto fail;
	}
	if (bus_nats_stream(n, err, errlen) != NATS_OK)
		goto fail;
	for (i = 0; channels != NULL && channels[i] != NULL; i++)
		if (bus_nats_subscribe(n, channels[i], err, errlen) != NATS_OK)
			goto fail;
	natsOptions_Destroy(o);
	return n;
fail:
	natsOptions_Destroy(o);
	bus_nats_close(n);
	return NULL;
}

void
bus_nats_close(struct bus_nats *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nsubs; i++) {
		(void)natsSubscription_Unsubscribe(n->subs[i]);
		natsSubscription_Destroy(n->subs[i]);
	}
	n->nsubs = 0;
	jsCtx_Destroy(n->js);
	n->js = NULL;
	if (n->nc != NULL) {
		natsConnection_Close(n->nc);
		natsConnection_Destroy(n->nc);
	}
	n->nc = NULL;
	bus_nats_unref(n);
}

int
bus_nats_send(struct bus_nats *n, const char *channel, int64_t seq,
    const char *data, char *err, size_t errlen)
{
	jsPubOptions po;
	jsPubAck *ack = NULL;
	jsErrCode jerr = 0;
	natsStatus s;
	char id[160], *subj;

	snprintf(id, sizeof(id), "%s-%" PRId64, channel, seq);
	jsPubOptions_Init(&po);
	po.MsgId = id;
	po.MaxWait = BUS_NATS_TIMEOUT_MS;
	subj = xasprintf(BUS_NATS_PREFIX "%s", channel);
	s = js_Publish(&ack, n->js, subj, data, (int)strlen(data), &po, &jerr);
	free(subj);
	jsPubAck_Destroy(ack);
	if (s != NATS_OK) {
		bus_nats_err(err, errlen, "cannot send", s, jerr);
		return -1;
	}
	return 0;
}

int
bus_nats_fd(const struct bus_nats *n)
{
	return n->efd;
}

bool
bus_nats_next(struct bus_nats *n, char **channel, char **data)
{
	struct bus_nats_msg *m;
	uint64_t v;

	pthread_mutex_lock(&n->lock);
	if ((m = n->head) != NULL) {
		if ((n->head = m->next) == NULL)
			n->tail = &n->head;
		n->queued--;
	} else if (!n->lost) {
		/* empty: reset the fd; a later message writes it again */
		(void)!read(n->efd, &v, sizeof(v));
	}
	pthread_mutex_unlock(&n->lock);
	if (m == NULL)
		return false;
	*channel = m->channel;
	*data = m->data;
	free(m);
	return true;
}

bool
bus_nats_lost(struct bus_nats *n, char *err, size_t errlen)
{
	bool lost;

	pthread_mutex_lock(&n->lock);
	if ((lost = n->lost))
		snprintf(err, errlen, "%s", n->why);
	pthread_mutex_unlock(&n->lock);
	return lost;
}
