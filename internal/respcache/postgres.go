package respcache

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/lib/pq"
)

// Channel is the PostgreSQL notification channel catalog changes are announced on.
const Channel = "storefront_catalog"

// Broadcaster carries catalog changes between instances over PostgreSQL LISTEN/NOTIFY.
type Broadcaster struct {
	db       *sql.DB
	listener *pq.Listener
	id       string
	cache    *Cache
	log      *slog.Logger
	done     chan struct{}
	// pending holds one announcement to send: writes in quick succession share one.
	pending chan struct{}
	stop    chan struct{}
	sent    chan struct{}
}

// ListenPostgres empties c whenever another instance announces a catalog change on the
// database at url, and returns the Broadcaster whose Announce tells the others about this
// instance's changes. Until the listener is connected, and while it reconnects, c is
// suspended (no notification can be missed while it serves); on reconnection it is emptied.
func ListenPostgres(url string, db *sql.DB, c *Cache, log *slog.Logger) (*Broadcaster, error) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	br := &Broadcaster{db: db, id: hex.EncodeToString(b[:]), cache: c, log: log, done: make(chan struct{}),
		pending: make(chan struct{}, 1), stop: make(chan struct{}), sent: make(chan struct{})}
	c.Suspend()
	br.listener = pq.NewListener(url, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected:
			c.Suspend()
			log.Warn("response cache suspended: lost the notification connection", "error", fmt.Sprint(err))
		case pq.ListenerEventReconnected:
			// LISTEN is in force again; what was missed meanwhile is dropped.
			c.Resume()
			log.Info("response cache resumed: notification connection re-established")
		}
	})
	// Listen waits for a connection; Close ends the wait if none comes in time.
	timer := time.AfterFunc(15*time.Second, func() { br.listener.Close() })
	err := br.listener.Listen(Channel)
	if !timer.Stop() || err != nil {
		br.listener.Close()
		return nil, fmt.Errorf("listen for catalog changes: %w", err)
	}
	c.Resume()
	go br.receive()
	go br.send()
	return br, nil
}

func (b *Broadcaster) receive() {
	defer close(b.done)
	for n := range b.listener.Notify {
		// nil follows a reconnection (handled by the event callback); our own
		// announcements were applied locally already.
		if n != nil && n.Extra != b.id {
			b.cache.Invalidate()
		}
	}
}

// Announce tells the other instances that the catalog changed (call it after the change
// committed). It does not wait: announcements made while one is being sent are sent as one.
func (b *Broadcaster) Announce() {
	select {
	case b.pending <- struct{}{}:
	default: // one is already queued and will cover this change
	}
}

func (b *Broadcaster) send() {
	defer close(b.sent)
	for {
		select {
		case <-b.stop:
			return
		case <-b.pending:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := b.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, Channel, b.id)
		cancel()
		if err != nil {
			// The others keep serving until their TTL: say so loudly.
			b.log.Error("catalog change not announced to other instances", "error", err.Error())
		}
	}
}

// Close stops listening and announcing.
func (b *Broadcaster) Close() {
	close(b.stop)
	<-b.sent
	b.listener.Close()
	<-b.done
}
